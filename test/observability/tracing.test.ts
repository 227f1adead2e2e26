import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueueEvents } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Rotor } from '../../src/app/makeRotor.js';
import { rotateQueueName } from '../../src/queue/names.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { makeRotationClient, type RotationClient } from '../../src/queue/rotationClient.js';
import { setQueueTelemetry } from '../../src/observability/tracing.js';
import { captureLogs } from '../helpers/logCapture.js';
import { makeRotor, makeRotorFixture, redisUrl, type RotorFixture } from '../helpers/rotorFixture.js';

/** Everything a span shows: its name, attributes, events and their attributes, as one string. */
function spanText(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    status: span.status,
  });
}

describe('traces of an on-demand rotation', () => {
  const logs = captureLogs();
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let fx: RotorFixture;
  let rotor: Rotor;
  let client: RotationClient;
  let events: QueueEvents;
  const eventsConnection = makeRedisConnection(redisUrl);

  beforeAll(async () => {
    provider.register();
    setQueueTelemetry(new BullMQOtel({ tracerName: 'rotor-bullmq' }));
    fx = await makeRotorFixture({ iamUsers: 1, logger: logs.logger });
    rotor = await makeRotor(fx.config, logs.logger);
    await fx.startWorker(rotor);
    client = makeRotationClient({ config: fx.config });
    events = new QueueEvents(rotateQueueName, { connection: eventsConnection, prefix: fx.prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    setQueueTelemetry(undefined);
    await events?.close();
    await client?.close();
    await rotor?.close();
    await fx?.close();
    eventsConnection.disconnect();
    await provider.shutdown();
  });

  it('links the request, the queue and every step and Huawei call of the rotation in one trace, without secrets', async () => {
    const user = fx.users[0]!;
    const enqueued = await client.enqueueRotation(user.id, { requestedBy: 'api:test', reason: 'tracing' });
    const job = await client.queue.getJob(enqueued.jobId);
    const outcome = (await job!.waitUntilFinished(events, 20_000)) as { rotationId: string };
    expect(typeof outcome.rotationId).toBe('string');
    // The worker's process span ends right after the job completes.
    await new Promise((r) => setTimeout(r, 300));

    const spans = exporter.getFinishedSpans();
    const enqueue = spans.find((s) => s.name === 'rotor.enqueue');
    expect(enqueue?.attributes).toMatchObject({ 'rotor.target.id': user.id });
    const traceId = enqueue!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);

    // BullMQ's producer and consumer spans continue the request's trace.
    expect(inTrace.some((s) => s.name.startsWith(`add ${rotateQueueName}`))).toBe(true);
    const processSpan = inTrace.find((s) => s.name === `process ${rotateQueueName}`);
    expect(processSpan).toBeDefined();

    const steps = inTrace.filter((s) => s.name.startsWith('rotation.'));
    expect(steps.map((s) => s.attributes['rotor.rotation.step'])).toEqual([
      'load',
      'prepare',
      'commit',
      'verify',
      'finalize',
    ]);
    for (const step of steps) {
      expect(step.parentSpanContext?.spanId).toBe(processSpan!.spanContext().spanId);
      expect(step.attributes).toMatchObject({
        'rotor.target.id': user.id,
        'rotor.target.kind': 'huawei-iam-user',
        'rotor.rotation.outcome': 'done',
        'rotor.rotation.attempt': 1,
      });
    }

    const huawei = inTrace.filter((s) => s.attributes['rotor.peer.system'] === 'huawei');
    expect(huawei.length).toBeGreaterThanOrEqual(2);
    for (const call of huawei) {
      expect(call.attributes['server.address']).toBe(new URL(fx.sim.url).hostname);
      expect(typeof call.attributes['http.response.status_code']).toBe('number');
      expect(call.attributes['url.path']).toMatch(/^\/v3/);
    }
    const vault = inTrace.filter((s) => s.attributes['rotor.peer.system'] === 'vault');
    expect(vault.some((s) => String(s.attributes['url.path']).startsWith('/v1/secret/data/huawei/iam/'))).toBe(true);

    const newPassword = fx.sim.iam.livePassword(user.userId);
    expect(newPassword).toBeDefined();
    expect(newPassword).not.toBe(user.password);
    const secrets = [user.password, newPassword!, fx.vault.rootToken, ...fx.sim.secrets()];
    for (const span of spans) {
      const text = spanText(span);
      for (const secret of secrets) expect(text).not.toContain(secret);
      // No query string, headers or bodies are recorded.
      expect(text).not.toMatch(/"url\.(query|full)"|http\.request\.header|http\.request\.body/);
    }
  });
});
