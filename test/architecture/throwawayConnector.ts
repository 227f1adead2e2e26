import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { endpointSchema, targetCommonShape } from '../../src/config/targetCommon.js';
import type { ConnectorDescriptor } from '../../src/connectors/types.js';
import { AuthFailed, TargetUnchanged } from '../../src/errors/index.js';

/**
 * A tiny password service for one account, over plain HTTP on loopback: `POST /login` and
 * `POST /change` with JSON bodies. `failChanges` makes the next change calls answer 503 before doing
 * anything (the account keeps its password).
 */
export interface TinyTarget {
  url: string;
  password: string;
  failChanges: number;
  changes: number;
  /** Called as a change request arrives, before it is applied. */
  onChange?: () => void;
  close(): Promise<void>;
}

export async function startTinyTarget(password: string): Promise<TinyTarget> {
  const state: TinyTarget = { url: '', password, failChanges: 0, changes: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const json = JSON.parse(body || '{}') as { password?: string; oldPassword?: string; newPassword?: string };
      const reply = (status: number) => res.writeHead(status).end();
      if (req.url === '/login') return reply(json.password === state.password ? 200 : 401);
      if (req.url === '/change') {
        state.onChange?.();
        if (state.failChanges > 0) {
          state.failChanges -= 1;
          return reply(503);
        }
        if (json.oldPassword !== state.password || !json.newPassword) return reply(401);
        state.password = json.newPassword;
        state.changes += 1;
        return reply(200);
      }
      reply(404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

const tinyTargetSchema = z
  .object({
    ...targetCommonShape,
    kind: z.literal('tiny-test-kind'),
    endpoint: endpointSchema,
    account: z.string().min(1),
  })
  .strict();

async function post(url: string, body: Record<string, string>): Promise<number> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return res.status;
}

/** A whole connector kind, defined in the test tree only: a descriptor and nothing else. */
export const tinyConnector: ConnectorDescriptor<typeof tinyTargetSchema, 'tiny-test-kind'> = {
  kind: 'tiny-test-kind',
  targetSchema: tinyTargetSchema,
  rules: {
    minLength: 12,
    defaultMinLength: 16,
    maxLength: 40,
    minClasses: 3,
    specialChars: '!@#%+=',
    minDiffFromOld: 1,
    historyCount: 0,
    mustNotContainNames: true,
    mustNotContainContact: false,
  },
  passwordContext: (target) => ({ names: [target.account] }),
  cooldownMs: 0,
  cooldownNotice: 'waiting for the tiny cooldown',
  capabilities: { canVerify: true, idempotentChange: false },
  noAdminReset: () => 'no admin reset for this kind',
  create: (target) => {
    const login = async (password: string) => (await post(`${target.endpoint}/login`, { password })) === 200;
    return {
      async authenticate(password) {
        if (!(await login(password))) throw new AuthFailed(`${target.id}: login refused`);
      },
      async change({ oldPassword, newPassword }) {
        const status = await post(`${target.endpoint}/change`, { oldPassword, newPassword });
        if (status === 503)
          throw new TargetUnchanged(`${target.id}: service unavailable before the change`, { status });
        if (status !== 200) throw new AuthFailed(`${target.id}: change refused (${status})`, { status });
      },
      verify: login,
    };
  },
};
