import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeRedisAuditLog } from '../../src/audit/redisAuditLog.js';
import { connect, dropPrefix, redisUrl, silentLogger, testPrefix } from './redisTestKit.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const worker = 'test/audit/fixtures/appendWorker.ts';

function runWorker(prefix: string, name: string, count: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, redisUrl, prefix, name, String(count)], {
      cwd: repoRoot,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

describe('the audit chain with several worker processes', () => {
  const redis = connect();
  const prefix = testPrefix();

  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('four worker processes appending at once still produce one valid chain holding every event', async () => {
    const perWorker = 150;
    const names = ['w1', 'w2', 'w3', 'w4'];
    const running = Promise.all(names.map((name) => runWorker(prefix, name, perWorker)));
    // Release all four at once, when every one of them is connected and waiting.
    const deadline = Date.now() + 20_000;
    while ((await redis.get(`${prefix}:ready`)) !== String(names.length) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await redis.rpush(`${prefix}:go`, ...names);
    const codes = await running;
    expect(codes).toEqual([0, 0, 0, 0]);

    const log = makeRedisAuditLog({ redis, prefix, logger: silentLogger });
    const verdict = await log.verify();
    expect(verdict).toMatchObject({ ok: true, count: 4 * perWorker, head: { seq: 4 * perWorker } });
    const events = await log.read();
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 4 * perWorker }, (_, i) => i + 1));
    for (const name of names) {
      const jobIds = events.filter((e) => e.actor === `worker:${name}`).map((e) => e.jobId);
      // Every event arrived once, and each process's events kept the order it wrote them in.
      expect(jobIds).toEqual(Array.from({ length: perWorker }, (_, i) => `${name}-${i}`));
    }
    // The writers really did interleave: otherwise this test proves nothing about races.
    const switches = events.filter((e, i) => i > 0 && e.actor !== events[i - 1]?.actor).length;
    expect(switches).toBeGreaterThan(20);
    await log.close();
  });
});
