import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { redisUrl } from '../scheduling/schedulingFixture.js';
import { closedPort, linesOf, scratchDir, selfSignedCert, timedCli, writeConfig } from './cliFixture.js';

/**
 * Every command that opens Vault, run as a user runs it, against three setups that cannot work: a
 * token Vault refuses, a Vault that is not there, and a certificate rotor does not trust. Each must
 * end within seconds with exit code 1 and one line that says what refused and what to change.
 */
const wrongToken = `hvs.wrong-${randomUUID()}`;
const prefix = `test-${randomUUID()}`;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
let plain: VaultEmulator;
let tls: VaultEmulator;
const setups: { name: string; config: string; token: string; expected: RegExp }[] = [];

beforeAll(async () => {
  scratch = await scratchDir();
  const cert = await selfSignedCert(scratch.dir);
  plain = await startVaultEmulator();
  tls = await startVaultEmulator({ tls: { key: cert.key, cert: cert.cert } });
  const document = (address: string) => ({
    redis: { url: redisUrl, prefix },
    vault: { address, auth: { method: 'token', token: '${VAULT_TOKEN}' } },
    targets: [
      {
        id: 'iam-a',
        kind: 'huawei-iam-user',
        endpoint: 'http://127.0.0.1:9',
        userId: 'u-a',
        userName: 'a',
        domainName: 'acme',
        secretPath: 'huawei/iam/a',
      },
    ],
  });
  const port = await closedPort();
  setups.push(
    {
      name: 'a wrong token',
      config: await writeConfig(scratch.dir, 'wrong-token', document(plain.url)),
      token: wrongToken,
      expected:
        /^rotor: Vault at http:\/\/127\.0\.0\.1:\d+ refused the token \(403 permission denied\): check VAULT_TOKEN/,
    },
    {
      name: 'an unreachable Vault',
      config: await writeConfig(scratch.dir, 'unreachable', document(`http://127.0.0.1:${port}`)),
      token: plain.rootToken,
      expected: new RegExp(
        `^rotor: Vault at http://127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\): is Vault running\\? check vault\\.address$`,
      ),
    },
    {
      name: 'a refused certificate',
      config: await writeConfig(scratch.dir, 'tls', document(tls.url)),
      token: tls.rootToken,
      expected:
        /^rotor: TLS certificate of Vault at https:\/\/127\.0\.0\.1:\d+ refused \([A-Z_]+\): set vault\.caFile to the PEM file of the CA that signed it$/,
    },
  );
});

afterAll(async () => {
  await plain?.close();
  await tls?.close();
  await scratch?.remove();
  const redis = makeRedisConnection(redisUrl);
  await deleteKeysWithPrefix(redis, `${prefix}:`);
  redis.disconnect();
});

const commands: string[][] = [
  ['status'],
  ['rotate', 'iam-a', '--wait', '--timeout', '30s'],
  ['reconcile', 'iam-a'],
  ['worker'],
  ['run'],
  ['scheduler', '--once'],
  ['audit', 'report'],
  // Seeding a real Vault: the simulator starts, then the Vault problem ends it.
  ['sim', '--no-vault', '--seed', '--port', '0'],
];

describe.each(commands.map((args) => [args.join(' '), args]))('rotor %s', (_name, args) => {
  it('exits 1 within 10 s with one line naming the fix, for a wrong token, an unreachable Vault and a refused certificate', async () => {
    // One after the other: each process's time is then its own, not three processes sharing two cores.
    const runs = [];
    for (const setup of setups) {
      const env = { VAULT_TOKEN: setup.token };
      runs.push({ setup, result: await timedCli(['--config', setup.config, ...(args as string[])], env, 30_000) });
    }
    for (const { setup, result } of runs) {
      const lines = linesOf(result.stderr);
      expect({ setup: setup.name, code: result.code, lines }).toEqual({
        setup: setup.name,
        code: 1,
        lines: [expect.stringMatching(setup.expected)],
      });
      expect(result.ms).toBeLessThan(10_000);
      expect(result.stdout + result.stderr).not.toContain(setup.token);
    }
  }, 90_000);
});
