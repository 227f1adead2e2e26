import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { auditKeys } from '../../src/audit/appendScript.js';
import { hashEvent } from '../../src/audit/chain.js';
import { verifyChainFile } from '../../src/audit/chainFile.js';
import { makeRedisAuditLog, type AuditLog } from '../../src/audit/redisAuditLog.js';
import type { ChainedAuditEvent } from '../../src/audit/types.js';
import { connect, dropPrefix, rewriteStream, sampleEvent, silentLogger, testPrefix } from './redisTestKit.js';

describe('makeRedisAuditLog', () => {
  let redis: Redis;
  let prefix: string;
  let dir: string;
  let log: AuditLog;

  beforeEach(async () => {
    redis = connect();
    prefix = testPrefix();
    dir = await mkdtemp(join(tmpdir(), 'rotor-audit-'));
    log = makeRedisAuditLog({ redis, prefix, logger: silentLogger });
  });

  afterEach(async () => {
    await log.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  async function appendMany(target: AuditLog, n: number): Promise<void> {
    for (let i = 1; i <= n; i++) await target.append(sampleEvent(i));
  }

  it('chains events with consecutive seq numbers and verifies an untouched log', async () => {
    await Promise.all([1, 2, 3, 4, 5, 6].map((i) => log.append(sampleEvent(i))));
    const events = await log.read();
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[0]?.prevHash).toBe('0'.repeat(64));
    expect(events[1]?.prevHash).toBe(events[0]?.hash);
    expect(events.map((e) => e.rotationId)).toEqual(['rot-1', 'rot-2', 'rot-3', 'rot-4', 'rot-5', 'rot-6']);
    const verdict = await log.verify();
    expect(verdict).toMatchObject({ ok: true, count: 6, head: { seq: 6, hash: events[5]?.hash } });
  });

  it('an empty log verifies', async () => {
    expect(await log.verify()).toMatchObject({ ok: true, count: 0, head: { seq: 0 } });
  });

  it('a changed event is named by verify', async () => {
    await appendMany(log, 5);
    await rewriteStream(redis, prefix, (es) => es.map((e) => (e.seq === 3 ? { ...e, actor: 'cli:mallory' } : e)));
    expect(await log.verify()).toMatchObject({ ok: false, problem: { kind: 'changed', seq: 3, position: 3 } });
  });

  it('a deleted event is named by verify', async () => {
    await appendMany(log, 5);
    const entries = await redis.xrange(auditKeys(prefix).stream, '-', '+');
    await redis.xdel(auditKeys(prefix).stream, (entries[1] as [string, string[]])[0]);
    const verdict = await log.verify();
    expect(verdict).toMatchObject({ ok: false, problem: { kind: 'deleted', seq: 2 } });
    expect(!verdict.ok && verdict.problem.message).toMatch(/seq 2 was deleted/);
  });

  it('an inserted event is named by verify even when its link and hash look right', async () => {
    await appendMany(log, 4);
    await rewriteStream(redis, prefix, (es) => {
      // A forged seq 3 chained properly onto seq 2, slipped in before the real seq 3.
      const forged = { ...(es[2] as object), actor: 'cli:mallory' } as Record<string, unknown>;
      return [...es.slice(0, 2), rehash(forged), ...es.slice(2)];
    });
    expect(await log.verify()).toMatchObject({ ok: false, problem: { kind: 'inserted', seq: 3, position: 3 } });
  });

  it('reordered events are named by verify', async () => {
    await appendMany(log, 5);
    await rewriteStream(redis, prefix, (es) => [es[0], es[2], es[1], es[3], es[4]] as Array<Record<string, unknown>>);
    expect(await log.verify()).toMatchObject({ ok: false, problem: { kind: 'reordered', position: 2 } });
  });

  it('events cut from the end are found through the head record', async () => {
    await appendMany(log, 5);
    const entries = await redis.xrange(auditKeys(prefix).stream, '-', '+');
    await redis.xdel(auditKeys(prefix).stream, ...entries.slice(3).map(([id]) => id));
    const verdict = await log.verify();
    expect(verdict).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 4 } });
    expect(!verdict.ok && verdict.problem.message).toMatch(/seq 4\.\.5 were deleted from the end/);
  });

  it('an event added to the stream behind the head record is named as inserted', async () => {
    await appendMany(log, 3);
    const [last] = await log.read({ since: new Date(0) }).then((es) => es.slice(-1));
    const forged = { ...sampleEvent(9), time: new Date().toISOString(), seq: 4, prevHash: last?.hash };
    await redis.xadd(auditKeys(prefix).stream, '*', 'e', JSON.stringify(rehash(forged)));
    expect(await log.verify()).toMatchObject({ ok: false, problem: { kind: 'inserted', seq: 4 } });
  });

  it('retention by age trims old events and records the anchor', async () => {
    const aged = makeRedisAuditLog({ redis, prefix, logger: silentLogger, retention: { maxAgeMs: 200 } });
    await appendMany(aged, 3);
    await new Promise((r) => setTimeout(r, 300));
    await aged.append(sampleEvent(4));
    expect(await aged.verify()).toMatchObject({ ok: true, count: 1, anchor: { seq: 3 }, head: { seq: 4 } });
    await aged.close();
  });

  it('retention trims Redis to maxEvents and the rest still verifies from its anchor', async () => {
    const trimmed = makeRedisAuditLog({ redis, prefix, logger: silentLogger, retention: { maxEvents: 4 } });
    await appendMany(trimmed, 10);
    expect(await redis.xlen(auditKeys(prefix).stream)).toBe(4);
    const verdict = await trimmed.verify();
    expect(verdict).toMatchObject({ ok: true, count: 4, anchor: { seq: 6 }, head: { seq: 10 } });
    await trimmed.close();
  });

  it('the archive keeps every event, fsynced, and never lets retention trim what it has not written', async () => {
    const file = join(dir, 'audit.jsonl');
    const archived = makeRedisAuditLog({
      redis,
      prefix,
      logger: silentLogger,
      archiveFile: file,
      retention: { maxEvents: 3 },
    });
    await appendMany(archived, 9);
    await archived.flush();
    await archived.append(sampleEvent(10));
    await archived.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(11); // header + 10 events
    const { verdict, hasEnd } = await verifyChainFile(file);
    expect(verdict).toMatchObject({ ok: true, count: 10, head: { seq: 10 } });
    expect(hasEnd).toBe(false);
    expect(await archived.verify()).toMatchObject({ ok: true });
  });

  it('export writes a file that verifies offline and detects a cut-off end', async () => {
    await appendMany(log, 6);
    const file = join(dir, 'export.jsonl');
    expect(await log.export(file)).toMatchObject({ count: 6, head: { seq: 6 } });
    expect((await verifyChainFile(file)).verdict).toMatchObject({ ok: true, count: 6 });
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    await writeFile(file, `${lines.slice(0, -3).join('\n')}\n`);
    const cut = await verifyChainFile(file);
    expect(cut.verdict).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 5 } });
  });

  it('read returns the events of a time range', async () => {
    await appendMany(log, 3);
    const all = await log.read();
    expect(await log.read({ since: new Date(Date.now() + 60_000) })).toEqual([]);
    expect(await log.read({ since: new Date(Date.now() - 60_000), until: new Date() })).toEqual(all);
  });

  it('rejects a retention setting that is not a positive whole number', () => {
    expect(() => makeRedisAuditLog({ redis, prefix, logger: silentLogger, retention: { maxEvents: 0 } })).toThrow(
      /retention.maxEvents must be a positive whole number/,
    );
  });
});

function rehash(event: Record<string, unknown>): Record<string, unknown> {
  return { ...event, hash: hashEvent(event as unknown as ChainedAuditEvent) };
}
