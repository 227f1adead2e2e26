import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeWithOwnRedis } from '../helpers/redisServer.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import { startHttpServer, type HttpServer } from '../../src/http/server.js';
import { makeReadinessCheck } from '../../src/observability/health.js';
import { makeMetrics } from '../../src/observability/metrics.js';
import { makeRedisConnection } from '../../src/queue/redis.js';

/** A free TCP port: bind to 0, read it, let go. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Our own throwaway Redis: the shared one on 6379 serves every other suite and must keep running. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
  });
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeWithOwnRedis('/readyz', () => {
  let port: number;
  let redisServer: ChildProcess | undefined;
  let redis: Redis;
  let server: HttpServer;
  const vault = { sealed: false };

  beforeAll(async () => {
    port = await freePort();
    redisServer = await startRedis(port);
    // BullMQ's connection settings: commands wait for Redis instead of failing, the case health must see through.
    redis = makeRedisConnection(`redis://127.0.0.1:${port}`, {
      retryStrategy: () => 100,
    });
    redis.on('error', () => undefined);
    const readiness = makeReadinessCheck({
      redis,
      vault: { health: async () => ({ initialized: true, sealed: vault.sealed }) },
      timeoutMs: 300,
    });
    server = await startHttpServer({
      port: 0,
      readiness,
      metrics: makeMetrics({ defaultMetrics: false }).registry,
      report: async () => {
        throw new Error('not used');
      },
    });
  });

  afterAll(async () => {
    await server.close();
    redis.disconnect();
    if (redisServer && redisServer.exitCode === null) await stopRedis(redisServer);
  });

  const readyz = async () => {
    const res = await fetch(`${server.url}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('turns unready when Redis stops and ready again when it returns', async () => {
    await eventually(async () => (await readyz()).status === 200);

    await stopRedis(redisServer as ChildProcess);
    await eventually(async () => (await readyz()).status === 503);
    expect((await readyz()).body).toEqual({ status: 'unready', redis: false, vault: true });

    redisServer = await startRedis(port);
    await eventually(async () => (await readyz()).status === 200);
    expect((await readyz()).body).toEqual({ status: 'ready', redis: true, vault: true });
  });

  it('turns unready while Vault is sealed', async () => {
    vault.sealed = true;
    expect(await readyz()).toEqual({ status: 503, body: { status: 'unready', redis: true, vault: false } });
    vault.sealed = false;
    expect((await readyz()).status).toBe(200);
  });
});

describe('a failing report provider', () => {
  it('answers 500 without the error text, which stays in the log', async () => {
    const server = await startHttpServer({
      port: 0,
      readiness: async () => ({ redis: true, vault: true }),
      metrics: makeMetrics({ defaultMetrics: false }).registry,
      report: async () => {
        throw new Error('redis://user:hunter2@internal-host failed');
      },
    });
    const res = await fetch(`${server.url}/report`);
    expect([res.status, await res.text()]).toEqual([500, 'internal error\n']);
    await server.close();
  });
});
