import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import { configSchema } from '../../src/config/schema.js';
import { connectors } from '../../src/connectors/registry.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { isRotorError, type RotorError } from '../../src/errors/index.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { rotateTarget } from '../../src/rotation/rotateTarget.js';
import { captureLogs } from '../helpers/logCapture.js';
import { redisUrl } from '../helpers/rotorFixture.js';

/**
 * A REST API rotor has never heard of, described only in the config: "Acme Directory". An admin logs
 * in with a form body and gets a session cookie; the admin resets an account's password (an admin
 * reset, so `idempotent: true`) with a form body; the account's own login verifies it. A reset too
 * soon after the last one is refused with a code of Acme's own, which a custom refusal rule maps to
 * rotor's cooldown.
 */
interface Received {
  method: string;
  path: string;
  contentType?: string;
  cookie?: string;
  form: URLSearchParams;
}

interface Acme {
  url: string;
  server: Server;
  received: Received[];
  passwords: Map<string, string>;
  sessions: Set<string>;
  /** What the next reset does instead of answering normally. */
  nextReset?: 'drop-after-apply' | 'too-soon' | 'html' | 'echo';
  secrets: Set<string>;
}

const adminCredential = { userName: 'acme-admin', password: `Adm1n-${randomBytes(9).toString('base64url')}` };

function startAcme(): Promise<Acme> {
  const acme: Acme = {
    url: '',
    server: createServer(),
    received: [],
    passwords: new Map(),
    sessions: new Set(),
    secrets: new Set([adminCredential.password]),
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };
  acme.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://acme');
      const form = new URLSearchParams(raw);
      acme.received.push({
        method: req.method ?? '',
        path: url.pathname,
        contentType: req.headers['content-type'],
        cookie: req.headers.cookie,
        form,
      });
      if (req.method === 'POST' && url.pathname === '/admin/session') {
        if (form.get('username') !== adminCredential.userName || form.get('password') !== adminCredential.password)
          return json(res, 401, { error: 'bad-credentials' });
        const sid = randomBytes(18).toString('hex');
        acme.sessions.add(sid);
        acme.secrets.add(sid);
        res.writeHead(204, { 'Set-Cookie': [`ADMINSID=${sid}; Path=/; HttpOnly`, 'theme=dark; Path=/'] }).end();
        return;
      }
      const reset = /^\/accounts\/([^/]+)\/password-reset$/.exec(url.pathname);
      if (req.method === 'POST' && reset) {
        const sid = /(?:^|;\s*)ADMINSID=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        if (!sid || !acme.sessions.has(sid)) return json(res, 401, { error: 'no-session' });
        const account = decodeURIComponent(reset[1]!);
        const password = form.get('new_password') ?? '';
        if (!acme.passwords.has(account)) return json(res, 404, { error: 'no-such-account' });
        const fault = acme.nextReset;
        acme.nextReset = undefined;
        if (fault === 'too-soon') return json(res, 409, { code: 'RESET_TOO_SOON', retry_in: 120 });
        // A careless API that repeats the refused password in its message.
        if (fault === 'echo') return json(res, 422, { error: 'weak-password', error_msg: `${password} is too weak` });
        if (fault === 'html') {
          res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>Maintenance</body></html>');
          return;
        }
        if (password.length < 12) return json(res, 422, { error: 'weak-password' });
        acme.passwords.set(account, password);
        acme.secrets.add(password);
        if (fault === 'drop-after-apply') {
          req.socket.destroy();
          return;
        }
        return json(res, 200, { result: 'reset' });
      }
      if (req.method === 'POST' && url.pathname === '/login') {
        const live = acme.passwords.get(form.get('user') ?? '');
        if (live === undefined || live !== form.get('password')) return json(res, 401, { error: 'denied' });
        return json(res, 200, { ok: true });
      }
      json(res, 404, { error: 'no-route' });
    });
  });
  return new Promise((resolve) =>
    acme.server.listen(0, '127.0.0.1', () => {
      acme.url = `http://127.0.0.1:${(acme.server.address() as AddressInfo).port}`;
      resolve(acme);
    }),
  );
}

/** The target, as a user writes it under `targets:`. */
const acmeTarget = (endpoint: string, account: string) => ({
  id: `acme-${account}`,
  kind: 'http',
  endpoint,
  secretPath: `acme/${account}`,
  vars: { account },
  credentials: ['acme-admin'],
  rules: { minLength: 16, maxLength: 40, minClasses: 3, specialChars: '-_.!', mustNotContain: ['account'] },
  http: { ratePerSecond: 1000, rateBurst: 100, responseTimeoutMs: 2000 },
  login: {
    method: 'POST',
    path: '/admin/session',
    form: { username: '{{ credentials.acme-admin.userName }}', password: '{{ credentials.acme-admin.password }}' },
    success: { status: 204 },
    session: { cookie: 'ADMINSID' },
    sessionTtl: '15m',
    refusals: [{ status: 401, outcome: 'auth-failed' }],
  },
  change: {
    method: 'POST',
    path: '/accounts/{{ vars.account | urlencode }}/password-reset',
    headers: { Cookie: 'ADMINSID={{ login.session }}' },
    form: { new_password: '{{ newPassword }}' },
    idempotent: true,
    success: { status: 200, json: [{ pointer: '/result', equals: 'reset' }] },
    refusals: [
      { status: 401, outcome: 'auth-failed' },
      { status: 422, pointer: '/error', equals: 'weak-password', outcome: 'policy-rejected' },
      // Acme's own code for "reset too soon": a custom rule makes it rotor's cooldown.
      { status: 409, pointer: '/code', equals: 'RESET_TOO_SOON', outcome: 'cooldown', cooldown: '2m' },
      { status: 404, outcome: 'misconfigured' },
    ],
  },
  verify: {
    method: 'POST',
    path: '/login',
    form: { user: '{{ vars.account }}', password: '{{ password }}' },
    success: { status: 200, json: [{ pointer: '/ok', equals: true }] },
    refusals: [{ status: 401, outcome: 'auth-failed' }],
  },
});

const { logger, lines } = captureLogs('trace');
let acme: Acme;
let vault: VaultEmulator;
let rotor: Rotor;
const prefix = `test-${randomUUID()}`;
const redis = makeRedisConnection(redisUrl);
const accounts = ['bob', 'carol', 'dave', 'erin', 'frank', 'gina'];

beforeAll(async () => {
  acme = await startAcme();
  vault = await startVaultEmulator();
  vault.kvPut('secret', 'ops/acme-admin', adminCredential);
  for (const a of accounts) {
    const seed = `Seed-${randomBytes(12).toString('base64url')}`;
    acme.passwords.set(a, seed);
    acme.secrets.add(seed);
    vault.kvPut('secret', `acme/${a}`, { password: seed });
  }
  const config = configSchema.parse({
    redis: { url: redisUrl, prefix },
    vault: { address: vault.url, auth: { method: 'token', token: vault.rootToken } },
    credentials: { 'acme-admin': { secretPath: 'ops/acme-admin' } },
    targets: [
      ...accounts.filter((a) => a !== 'gina').map((a) => acmeTarget(acme.url, a)),
      // The same API without a way to verify: every rotation is audited as unverified.
      { ...acmeTarget(acme.url, 'gina'), id: 'acme-gina-unverified', verify: 'none' },
    ],
  });
  rotor = await makeRotor(config, logger);
});
afterAll(async () => {
  await rotor.close();
  await deleteKeysWithPrefix(redis, `${prefix}:`);
  redis.disconnect();
  await new Promise((r) => acme.server.close(r));
  await vault.close();
});
beforeEach(() => {
  acme.received.length = 0;
});

const depsOf = (account: string) => rotor.rotationDeps(rotor.target(`acme-${account}`)!);
const rotate = (account: string, attempt = 1) =>
  rotateTarget(depsOf(account), { actor: 'test', jobId: `j-${account}-${attempt}`, attempt });
async function rejection(p: Promise<unknown>): Promise<RotorError> {
  try {
    await p;
  } catch (err) {
    if (isRotorError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('a made-up REST API described as kind: http', () => {
  it('rotates with an admin session cookie and form bodies, and verifies with the account login', async () => {
    const outcome = await rotate('bob');
    const stored = await rotor.store.readSecret('acme/bob');
    expect(stored?.password).toBe(acme.passwords.get('bob'));
    expect(outcome).toMatchObject({ verified: true, recovered: false, version: 2 });
    // The target's rules: 16-40 characters from its own special set, never the account name.
    expect(String(stored?.password).length).toBeGreaterThanOrEqual(16);
    expect(String(stored?.password).length).toBeLessThanOrEqual(40);
    expect(String(stored?.password).toLowerCase()).not.toContain('bob');
    expect(stored?.password).toMatch(/^[A-Za-z0-9\-_.!]+$/);
    // The current password is checked first, then the admin's session, the reset, and the new password.
    expect(acme.received.map((r) => r.path)).toEqual([
      '/login',
      '/admin/session',
      '/accounts/bob/password-reset',
      '/login',
    ]);
    const reset = acme.received[2];
    for (const r of acme.received) expect(r.contentType).toBe('application/x-www-form-urlencoded');
    // The cookie from the login, not the other one it set, and the password in the form body.
    expect(reset?.cookie).toMatch(/^ADMINSID=[0-9a-f]{36}$/);
    expect(reset?.form.get('new_password')).toBe(stored?.password);
  });

  it('with verify: none, rotates and audits the rotation as unverified, saying why', async () => {
    const deps = rotor.rotationDeps(rotor.target('acme-gina-unverified')!);
    const outcome = await rotateTarget(deps, { actor: 'test', jobId: 'j-gina', attempt: 1 });
    expect(outcome.verified).toBe(false);
    expect((await rotor.store.readSecret('acme/gina'))?.password).toBe(acme.passwords.get('gina'));
    expect(acme.received.filter((r) => r.path === '/login')).toEqual([]);
    const events = (await rotor.audit.read?.()) ?? [];
    expect(events).toContainEqual(
      expect.objectContaining({
        targetId: 'acme-gina-unverified',
        step: 'verify',
        detail: expect.objectContaining({ verified: false, reason: expect.stringContaining('verify: none') }),
      }),
    );
  });

  it('finishes a reset applied and then dropped by re-sending the same password (idempotent), with no probe', async () => {
    acme.nextReset = 'drop-after-apply';
    expect((await rejection(rotate('carol'))).name).toBe('OutcomeUnknown');
    const pending = (await rotor.store.readPending('acme-carol'))?.record;
    expect(pending?.password).toBe(acme.passwords.get('carol'));
    await rotate('carol', 2);
    const resets = acme.received.filter((r) => r.path.endsWith('/password-reset'));
    expect(resets.map((r) => r.form.get('new_password'))).toEqual([pending?.password, pending?.password]);
    expect((await rotor.store.readSecret('acme/carol'))?.password).toBe(pending?.password);
    expect(await rotor.store.readPending('acme-carol')).toBeNull();
    // Resolved by the re-send itself: the pending password was never tried at the login as a probe.
    const probes = acme.received.filter((r) => r.path === '/login' && r.form.get('password') === pending?.password);
    expect(probes).toEqual([]);
    const events = (await rotor.audit.read?.()) ?? [];
    expect(events).toContainEqual(
      expect.objectContaining({
        targetId: 'acme-carol',
        step: 'recover',
        detail: expect.objectContaining({ resolvedBy: 'idempotent-resend' }),
      }),
    );
  });

  it('reads its own "reset too soon" code as a cooldown of the given length, leaving the password as it was', async () => {
    const before = acme.passwords.get('dave');
    acme.nextReset = 'too-soon';
    const err = await rejection(
      depsOf('dave').connector.change({ oldPassword: '', newPassword: 'Long-Enough-Pa55word' }),
    );
    expect(err.name).toBe('CooldownActive');
    expect(err.details).toMatchObject({ status: 409, retryAfterMs: 120_000 });
    expect(acme.passwords.get('dave')).toBe(before);
  });

  it('keeps a password the API repeats in its refusal out of the error', async () => {
    acme.nextReset = 'echo';
    const err = await rejection(depsOf('erin').connector.change({ oldPassword: '', newPassword: 'Echoed-Pa55word-x' }));
    expect(err.name).toBe('PolicyRejected');
    expect(err.message).toContain('[redacted] is too weak');
    expect(err.message).not.toContain('Echoed-Pa55word-x');
  });

  it('never takes a 200 HTML page for a reset: the outcome is unknown', async () => {
    acme.nextReset = 'html';
    const err = await rejection(
      depsOf('erin').connector.change({ oldPassword: '', newPassword: 'Long-Enough-Pa55word' }),
    );
    expect(err.name).toBe('OutcomeUnknown');
  });

  it('logs in once more when the session cookie has expired, and only once', async () => {
    const c = depsOf('frank').connector;
    await c.authenticate('unused');
    acme.sessions.clear();
    await c.change({ oldPassword: '', newPassword: 'Fresh-Long-Pa55word' });
    expect(acme.received.map((r) => r.path)).toEqual([
      '/admin/session',
      '/accounts/frank/password-reset',
      '/admin/session',
      '/accounts/frank/password-reset',
    ]);
    expect(acme.passwords.get('frank')).toBe('Fresh-Long-Pa55word');
    expect(await c.verify('Fresh-Long-Pa55word')).toBe(true);
    expect(await c.verify('Not-The-Pa55word')).toBe(false);
  });

  it('stops at an admin credential the API refuses: AuthFailed each time, and no more logins than allowed', async () => {
    const target = connectors.http.targetSchema.parse({ ...acmeTarget(acme.url, 'zed'), maxRefusedLogins: 2 });
    const wrong = { userName: adminCredential.userName, password: 'Not-The-Admin-Pa55' };
    const c = connectors.http.create(target, { logger, readCredential: async () => wrong });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push((await rejection(c.change({ oldPassword: '', newPassword: 'Long-Enough-Pa55word' }))).name);
    }
    expect(outcomes).toEqual(['AuthFailed', 'AuthFailed', 'AuthFailed', 'AuthFailed']);
    expect(acme.received.filter((r) => r.path === '/admin/session')).toHaveLength(2);
    expect(acme.received.filter((r) => r.path.endsWith('/password-reset'))).toHaveLength(0);
  });

  it('writes no password, admin credential or session cookie to a log line or the audit trail', async () => {
    const events = JSON.stringify((await rotor.audit.read?.()) ?? []);
    expect(lines.length).toBeGreaterThan(0);
    const secrets = [...acme.secrets, 'Fresh-Long-Pa55word', 'Long-Enough-Pa55word', 'Echoed-Pa55word-x'];
    expect(secrets.length).toBeGreaterThan(accounts.length + 3);
    for (const s of secrets) {
      expect(lines.filter((l) => l.includes(s))).toEqual([]);
      expect(events.includes(s)).toBe(false);
    }
  });
});
