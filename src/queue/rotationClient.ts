import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { makeRedisAuditLog, type AuditLog } from '../audit/redisAuditLog.js';
import type { AuditSink } from '../audit/types.js';
import { loadConfig, resolveConfigPath } from '../config/loadConfig.js';
import type { RotorConfig } from '../config/schema.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { queueTelemetry, traceEnqueue } from '../observability/tracing.js';
import { makeRedisClient, redisSettingsOf, type RedisClient } from './cluster.js';
import {
  enqueueRotation as enqueueWith,
  type EnqueuedRotation,
  type RotationQueue,
  type RotationRequest,
} from './enqueueRotation.js';
import { listenForJobs } from './jobSignals.js';
import { rotateQueueName } from './names.js';
import { waitForRotations, type RotationResult, type WaitOptions } from './waitForRotations.js';

export interface RotationClientOptions {
  config: RotorConfig;
  logger?: Logger;
  /** Where `rotation.requested` events go. @defaultValue the Redis audit log under `redis.prefix` */
  audit?: AuditSink;
  /**
   * Commands retried per Redis reconnect before they fail. A CLI wants 1 (fail, do not hang).
   * @defaultValue 3
   */
  maxRetriesPerRequest?: number;
}

/** What another service (or the CLI) needs to ask for rotations and follow them. */
export interface RotationClient {
  readonly config: RotorConfig;
  readonly queue: RotationQueue;
  /** A plain connection for the client's own keys (runs, status). */
  readonly redis: RedisClient;
  enqueueRotation(targetId: string, request?: RotationRequest): Promise<EnqueuedRotation>;
  waitForRotations(
    jobs: readonly { targetId: string; jobId: string }[],
    options: WaitOptions,
  ): Promise<RotationResult[]>;
  close(): Promise<void>;
}

export function makeRotationClient(options: RotationClientOptions): RotationClient {
  const { config } = options;
  const settings = redisSettingsOf(config.redis);
  const redis = makeRedisClient(settings, { maxRetriesPerRequest: options.maxRetriesPerRequest ?? 3 });
  const queue: RotationQueue = new Queue(rotateQueueName, {
    connection: redis,
    prefix: settings.prefix,
    ...queueTelemetry(),
  });
  queue.on('error', (err) => (options.logger ?? silentLogger).warn({ err }, 'rotation queue error'));
  // The audit log sends single-slot commands only (EVALSHA/EVAL, XRANGE, HMGET, HSET on `{prefix}:audit:*`),
  // which a Cluster client routes by key like a plain one: its `Redis` parameter type is narrower than its use.
  const auditLog: AuditLog | undefined = options.audit
    ? undefined
    : makeRedisAuditLog({ redis: redis as Redis, prefix: settings.prefix, logger: options.logger ?? silentLogger });
  const audit = options.audit ?? (auditLog as AuditLog);
  const byId = new Map(config.targets.map((t) => [t.id, t]));
  const ctx = { queue, audit, target: (id: string) => byId.get(id), attempts: config.rotation.attempts };
  const listen = (jobIds: ReadonlySet<string>) =>
    listenForJobs(
      redis,
      (connection, lastEventId) =>
        new QueueEvents(rotateQueueName, { connection, prefix: settings.prefix, lastEventId }),
      jobIds,
    );

  return {
    config,
    queue,
    redis,
    enqueueRotation: (targetId, request) =>
      traceEnqueue(targetId, request?.dryRun === true, () => enqueueWith(ctx, targetId, request)),
    waitForRotations: (jobs, waitOptions) => waitForRotations(queue, jobs, waitOptions, listen),
    async close() {
      await auditLog?.close();
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Asks for one rotation of `targetId` now, for a service that has rotor's config at hand (ROTOR_CONFIG
 * or `configPath`): `requestedBy` and `reason` go into the audit log and the job. Returns at once
 * with the job id; a request for a target already queued or rotating joins that job.
 */
export async function enqueueRotation(
  targetId: string,
  request: RotationRequest & { configPath?: string; config?: RotorConfig; logger?: Logger } = {},
): Promise<EnqueuedRotation> {
  const { configPath, config: given, logger, ...rest } = request;
  const config = given ?? (await loadConfig(resolveConfigPath(configPath)));
  const client = makeRotationClient({ config, logger });
  try {
    return await client.enqueueRotation(targetId, rest);
  } finally {
    await client.close();
  }
}
