import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { auditKeys } from '../../src/audit/appendScript.js';
import { startAuditAnchoring, type AuditAnchoring } from '../../src/audit/anchoring.js';
import { chainEvent, genesisAnchor } from '../../src/audit/chain.js';
import { makeRedisAuditLog, type AuditLog } from '../../src/audit/redisAuditLog.js';
import type { AuditEvent, ChainAnchor, ChainedAuditEvent } from '../../src/audit/types.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { makeVaultStore, type VaultStore } from '../../src/secrets/index.js';
import { documentedPolicy } from '../secrets/vaultUnderTest.js';
import { rotor } from './auditCliHarness.js';
import { connect, dropPrefix, redisUrl, sampleEvent, silentLogger, testPrefix } from './redisTestKit.js';

/**
 * The tamper tests: someone with write access to Redis rewrites the chain's tail with a consistent new
 * head, or cuts it and moves the head back, or someone deletes the anchors from Vault. The links alone
 * (`--no-anchors`) pass each time; `rotor audit verify` against the anchors does not.
 */
describe('rotor audit verify against the anchors in Vault', () => {
  let vault: VaultEmulator;
  let store: VaultStore;
  let redis: Redis;
  let dir: string;
  const prefixes: string[] = [];

  beforeAll(async () => {
    vault = await startVaultEmulator();
    process.env.ROTOR_ANCHOR_TEST_VAULT_TOKEN = vault.rootToken;
    const vaultConfig = { address: vault.url, auth: { method: 'token' as const, token: vault.rootToken } };
    store = await makeVaultStore(
      { ...vaultConfig, mount: 'secret', statePrefix: 'rotor/state', timeoutMs: 5000 },
      { logger: silentLogger },
    );
    redis = connect();
    dir = await mkdtemp(join(tmpdir(), 'rotor-anchors-'));
  });

  afterAll(async () => {
    delete process.env.ROTOR_ANCHOR_TEST_VAULT_TOKEN;
    for (const p of prefixes) await dropPrefix(redis, p);
    redis.disconnect();
    await store.close();
    await vault.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A log of 8 events whose head was anchored at seq 6, with its own Redis prefix and anchor key. */
  async function fixture(): Promise<{
    config: string;
    prefix: string;
    statePrefix: string;
    log: AuditLog;
    anchoring: AuditAnchoring;
  }> {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const statePrefix = `rotor/state-${randomUUID()}`;
    const config = join(dir, `${prefix}.yaml`);
    await writeFile(
      config,
      [
        `redis: { url: '${redisUrl}', prefix: '${prefix}' }`,
        `vault: { address: '${vault.url}', statePrefix: '${statePrefix}', auth: { method: token, token: '\${ROTOR_ANCHOR_TEST_VAULT_TOKEN}' } }`,
        'targets: []',
      ].join('\n'),
    );
    const log = makeRedisAuditLog({ redis, prefix, logger: silentLogger });
    for (let n = 1; n <= 6; n++) await log.append(sampleEvent(n));
    const anchoring = startAuditAnchoring({
      log,
      vault: store,
      mount: 'secret',
      statePrefix,
      redis,
      prefix,
      logger: silentLogger,
      anchorEvery: 5 * 60_000,
      periodic: false,
    });
    expect(await anchoring.writer.anchorNow()).toMatchObject({ status: 'anchored', anchor: { seq: 6, version: 1 } });
    for (let n = 7; n <= 8; n++) await log.append(sampleEvent(n));
    await log.flush();
    return { config, prefix, statePrefix, log, anchoring };
  }

  /** Rewrites the stream and the head as someone with Redis access could: a new, self-consistent chain. */
  async function rewriteChain(prefix: string, edit: (events: AuditEvent[]) => AuditEvent[]): Promise<ChainAnchor> {
    const keys = auditKeys(prefix);
    const stored = await redis.xrange(keys.stream, '-', '+');
    const events = stored.map(([, fields]) => {
      const { seq: _s, prevHash: _p, hash: _h, ...event } = JSON.parse(fields[1] as string) as ChainedAuditEvent;
      return event;
    });
    let head = genesisAnchor;
    await redis.del(keys.stream);
    let id = '';
    for (const event of edit(events)) {
      const chained = chainEvent(event, head);
      head = { seq: chained.seq, hash: chained.hash };
      id = (await redis.xadd(keys.stream, '*', 'e', JSON.stringify(chained))) as string;
    }
    await redis.hset(keys.head, { seq: String(head.seq), hash: head.hash, headId: id });
    return head;
  }

  it('passes an untouched chain, naming the anchor it matched', async () => {
    const { config } = await fixture();
    expect(await rotor(config, ['verify'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /^audit chain intact: 8 events, seq 1\.\.8, head [0-9a-f]{64}; matches 1 anchor in Vault \(latest seq 6 at .*\)\n$/,
      ),
    });
  });

  it('reports a tail rewritten with a consistent new head (exit 1), which the links alone cannot see', async () => {
    const { config, prefix } = await fixture();
    await rewriteChain(prefix, (events) =>
      events.map((e, i) => (i === 3 ? { ...e, actor: 'cli:mallory', rotationId: 'rot-forged' } : e)),
    );
    expect(await rotor(config, ['verify', '--no-anchors'])).toMatchObject({ code: 0 });
    expect(await rotor(config, ['verify'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^audit chain: rewritten: seq 6 has hash [0-9a-f]{12}…, but the anchor of .* \(version 1\) recorded [0-9a-f]{12}…: the chain was rewritten at or before seq 6\n$/,
      ),
    });
  });

  it('reports a tail cut off with the head moved back (exit 1)', async () => {
    const { config, prefix } = await fixture();
    await rewriteChain(prefix, (events) => events.slice(0, 4));
    expect(await rotor(config, ['verify', '--no-anchors'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('4 events, seq 1..4'),
    });
    expect(await rotor(config, ['verify'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('audit chain: truncated: the anchor of '),
    });
    expect((await rotor(config, ['verify'])).stderr).toContain('records seq 6, but the chain ends at seq 4');
  });

  it('reports "anchors missing" when only the anchor key is deleted from Vault (exit 1)', async () => {
    const { config, statePrefix } = await fixture();
    const res = await fetch(`${vault.url}/v1/secret/metadata/${statePrefix}/audit-anchors`, {
      method: 'DELETE',
      headers: { 'X-Vault-Token': vault.rootToken },
    });
    expect(res.status).toBe(204);
    expect(await rotor(config, ['verify'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^audit chain: anchors missing: rotor anchored seq 6 at .*, but secret\/data\/rotor\/state-.*\/audit-anchors holds no anchor\n$/,
      ),
    });
  });

  it('does not see a rewrite of the events after the last anchor: that is the window audit.anchorEvery sets', async () => {
    const { config, prefix } = await fixture();
    await rewriteChain(prefix, (events) => events.map((e, i) => (i === 7 ? { ...e, actor: 'cli:mallory' } : e)));
    expect(await rotor(config, ['verify'])).toMatchObject({ code: 0 });
  });

  it('never anchors a rewritten chain, and the report shows the mismatch as its chain evidence', async () => {
    const { config, prefix, statePrefix, anchoring } = await fixture();
    await rewriteChain(prefix, (events) => events.map((e, i) => (i === 2 ? { ...e, step: 'forged' } : e)));
    expect(await anchoring.writer.anchorNow()).toMatchObject({ status: 'refused' });
    const report = JSON.parse((await rotor(config, ['report'])).stdout) as {
      evidence: { chain: { intact: boolean; anchors: { status: string; problems: string[] } } };
    };
    expect(report.evidence.chain).toMatchObject({ intact: true, anchors: { status: 'mismatch' } });
    expect(report.evidence.chain.anchors.problems[0]).toMatch(/^rewritten: seq 6 /);
    expect((await store.readVersions(`${statePrefix}/audit-anchors`)).map((v) => v.version)).toEqual([1]);
  });

  it('anchors at every report and on a timer, a new version per new head, none for an unchanged head', async () => {
    const { config, log, statePrefix, prefix } = await fixture();
    const report = JSON.parse((await rotor(config, ['report'])).stdout) as {
      evidence: {
        chain: { head: { seq: number }; anchors: { status: string; checked: number; latest: { seq: number } } };
      };
    };
    expect(report.evidence.chain.anchors).toMatchObject({ status: 'ok', checked: 2, latest: { seq: 8 } });
    const periodic = startAuditAnchoring({
      log,
      vault: store,
      mount: 'secret',
      statePrefix,
      redis,
      prefix,
      logger: silentLogger,
      anchorEvery: 100,
      periodic: true,
    });
    try {
      await log.append(sampleEvent(9));
      await log.flush();
      const versions = async () => (await store.readVersions(`${statePrefix}/audit-anchors`)).map((v) => v.data.seq);
      for (let i = 0; i < 50 && (await versions()).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 400)); // several more ticks with nothing new
      expect(await versions()).toEqual([6, 8, 9]);
    } finally {
      await periodic.close();
    }
  });

  it('keeps checking when Vault prunes old anchors (max_versions): the newest ones are enough', async () => {
    const { config, log, statePrefix, anchoring } = await fixture();
    const res = await fetch(`${vault.url}/v1/secret/metadata/${statePrefix}/audit-anchors`, {
      method: 'POST',
      headers: { 'X-Vault-Token': vault.rootToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({ max_versions: 2 }),
    });
    expect(res.status).toBe(204);
    for (let n = 9; n <= 11; n++) {
      await log.append(sampleEvent(n));
      await log.flush();
      await anchoring.writer.anchorNow();
    }
    expect((await store.readVersions(`${statePrefix}/audit-anchors`)).map((v) => v.version)).toEqual([3, 4]);
    expect(await rotor(config, ['verify'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('matches 2 anchors'),
    });
  });

  it('the least-privilege policy in docs/vault.md lets rotor write and read anchors, and not delete them', async () => {
    vault.setPolicy('rotor-doc', documentedPolicy());
    const token = vault.createToken({ policies: ['rotor-doc'] });
    const limited = await makeVaultStore(
      {
        address: vault.url,
        auth: { method: 'token', token },
        mount: 'secret',
        statePrefix: 'rotor/state',
        timeoutMs: 5000,
      },
      { logger: silentLogger },
    );
    try {
      const prefix = testPrefix();
      prefixes.push(prefix);
      const log = makeRedisAuditLog({ redis, prefix, logger: silentLogger });
      await log.append(sampleEvent(1));
      await log.flush();
      const anchoring = startAuditAnchoring({
        log,
        vault: limited,
        mount: 'secret',
        statePrefix: 'rotor/state',
        redis,
        prefix,
        logger: silentLogger,
        anchorEvery: 5 * 60_000,
        periodic: false,
      });
      expect(await anchoring.writer.anchorNow()).toMatchObject({ status: 'anchored' });
      expect((await anchoring.anchorAndCheck()).anchors).toMatchObject({ status: 'ok', checked: 1 });
      const res = await fetch(`${vault.url}/v1/secret/metadata/rotor/state/audit-anchors`, {
        method: 'DELETE',
        headers: { 'X-Vault-Token': token },
      });
      expect(res.status).toBe(403);
    } finally {
      await limited.close();
    }
  });
});
