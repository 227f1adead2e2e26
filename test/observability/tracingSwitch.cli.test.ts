import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { rotateQueueName } from '../../src/queue/names.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { tracingWanted } from '../../src/observability/tracing.js';
import { makeCliRotorFixture, type CliRotorFixture } from '../cli/cliRotorFixture.js';

const target = {
  id: 'iam-0',
  kind: 'huawei-iam-user',
  userId: 'u0000000000000000000000000000001',
  userName: 'user0',
  domainName: 'acme',
  secretPath: 'iam/0',
};

/** Every OTEL_* variable of this process removed, so only what a test sets counts. */
const noOtel: NodeJS.ProcessEnv = Object.fromEntries(
  Object.keys(process.env)
    .filter((k) => k.startsWith('OTEL_'))
    .map((k) => [k, undefined]),
);

describe('tracing is switched by the standard OTEL_* variables', () => {
  let fx: CliRotorFixture;
  let receiver: Server;
  let endpoint = '';
  const received: string[] = [];
  const redis = makeRedisConnection(process.env.ROTOR_REDIS_URL ?? 'redis://127.0.0.1:6379');
  let queue: Queue;

  beforeAll(async () => {
    fx = await makeCliRotorFixture({ worker: false, targets: [target] });
    // A stand-in OTLP/HTTP collector: it keeps what each export request carried.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    queue = new Queue(rotateQueueName, { connection: redis, prefix: fx.config.redis.prefix });
  });
  afterAll(async () => {
    await queue?.close();
    redis.disconnect();
    await new Promise((resolve) => receiver?.close(resolve));
    await fx?.close();
  });

  const enqueue = async (env: NodeJS.ProcessEnv) => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    received.length = 0;
    const run = fx.cli(['rotate', target.id, '--json'], { ...noOtel, ...env });
    expect(await run.exited).toBe(0);
    return queue.getJob(`rotate.${target.id}`);
  };

  it('is off without OTEL_* variables: nothing is exported and no trace context is put in the job', async () => {
    expect(tracingWanted({})).toBe(false);
    const job = await enqueue({});
    expect(job?.opts.telemetry).toBeUndefined();
    expect(received).toEqual([]);
  }, 60_000);

  it('exports the request span over OTLP/HTTP with the service name when an endpoint is set', async () => {
    const job = await enqueue({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'rotor-ops' });
    // The job carries the W3C trace context the worker continues.
    expect(job?.opts.telemetry?.metadata).toMatch(/traceparent/);
    const exported = received.join('\n');
    expect(exported).toMatch(/^POST \/v1\/traces /);
    expect(exported).toContain('rotor.enqueue');
    expect(exported).toContain('rotor-ops');
    expect(exported).not.toContain(fx.vault.rootToken);
  }, 60_000);

  it('stays off when OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, even with an endpoint', async () => {
    for (const off of [{ OTEL_SDK_DISABLED: 'true' }, { OTEL_TRACES_EXPORTER: 'none' }]) {
      const job = await enqueue({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...off });
      expect(job?.opts.telemetry).toBeUndefined();
      expect(received).toEqual([]);
    }
  }, 60_000);
});
