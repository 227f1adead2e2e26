import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { iamTarget, redisUrl } from '../scheduling/schedulingFixture.js';
import { linesOf, scratchDir, timedCli, writeConfig } from './cliFixture.js';

/** Commands that open Vault need VAULT_TOKEN; commands that do not, run without it; `config validate` names it. */
describe('rotor without VAULT_TOKEN', () => {
  const prefix = `test-${randomUUID()}`;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let file: string;
  const noToken = { VAULT_TOKEN: '' };
  const problem =
    'vault.auth.token: environment variable VAULT_TOKEN is not set (and no default given); every command that opens Vault needs it';

  beforeAll(async () => {
    scratch = await scratchDir();
    file = await writeConfig(scratch.dir, 'rotor', {
      redis: { url: redisUrl, prefix },
      vault: { address: 'http://127.0.0.1:8200', auth: { method: 'token', token: '${VAULT_TOKEN}' } },
      targets: [iamTarget('iam-a')],
    });
  });
  afterAll(async () => {
    const redis = makeRedisConnection(redisUrl);
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    redis.disconnect();
    await scratch?.remove();
  });

  it('`config validate` names the unset variable and exits 2', async () => {
    const result = await timedCli(['--config', file, 'config', 'validate'], noToken);
    expect(result.code).toBe(2);
    expect(linesOf(result.stderr)).toEqual([`${file}:10:16: ${problem}`, `${file}: 1 problem`]);
  });

  it('`status` stops with the same problem and exit 2 when it comes to open Vault', async () => {
    const result = await timedCli(['--config', file, 'status'], noToken);
    expect(result.code).toBe(2);
    expect(linesOf(result.stderr)).toEqual([`${file}:10:16: ${problem}`]);
  });

  it('`audit verify --no-anchors`, which never opens Vault, runs without it', async () => {
    const result = await timedCli(['--config', file, 'audit', 'verify', '--no-anchors'], noToken);
    expect(result).toMatchObject({
      code: 0,
      stdout: 'audit chain intact: no events; anchors not checked (--no-anchors)\n',
    });
  });
});
