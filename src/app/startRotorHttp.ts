import { Queue } from 'bullmq';
import { makeReportProvider, readLastRotations } from '../audit/reportProvider.js';
import type { AuditLog } from '../audit/redisAuditLog.js';
import { ConfigError } from '../config/problems.js';
import { httpTokenFromEnv } from '../http/bearerAuth.js';
import { exposureProblem } from '../http/exposure.js';
import { startHttpServer, type HttpServer } from '../http/server.js';
import { makeReadinessCheck } from '../observability/health.js';
import { makeMetrics, type RotorMetrics } from '../observability/metrics.js';
import { makeClientSet, redisSettingsOf } from '../queue/cluster.js';
import { rotateQueueName } from '../queue/names.js';
import type { Rotor } from './makeRotor.js';

/** How often the compliance gauges (oldest password age, targets out of sync) are recomputed. */
const complianceRefreshMs = 60_000;

/** Metrics for a `rotor run` process: queue depth is read at each scrape from the rotate queue. */
export function makeRunMetrics(config: Rotor['config']): { metrics: RotorMetrics; close(): Promise<void> } {
  const clients = makeClientSet(redisSettingsOf(config.redis));
  const queue = new Queue(rotateQueueName, {
    connection: clients.create({ maxRetriesPerRequest: 1 }),
    prefix: config.redis.prefix,
  });
  queue.on('error', () => undefined);
  const metrics = makeMetrics({
    queueDepth: () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
  });
  return {
    metrics,
    async close() {
      await queue.close();
      await clients.closeAll();
    },
  };
}

/**
 * Fails, naming the config file and `http.host`, when `rotor run` would serve /metrics and /report
 * beyond loopback without a token and without `http.allowUnauthenticated: true`.
 */
export function assertHttpExposureAllowed(
  configFile: string,
  http: Rotor['config']['http'],
  env: NodeJS.ProcessEnv = process.env,
): void {
  const problem = exposureProblem({ ...http, token: httpTokenFromEnv(env) });
  if (problem) throw new ConfigError([{ file: configFile, path: 'http.host', message: problem }]);
}

/**
 * The HTTP face of `rotor run` (/healthz, /readyz, /metrics, /report), plus a timer that keeps the
 * compliance gauges current from the same report the page shows.
 */
export async function startRotorHttp(rotor: Rotor, metrics: RotorMetrics): Promise<HttpServer> {
  const { config, logger } = rotor;
  const report = makeReportProvider({
    targets: config.targets,
    auditLog: rotor.audit as AuditLog,
    lastRotations: () => readLastRotations(rotor.store, config.targets),
  });
  const refresh = () =>
    report({ since: new Date(Date.now() - 30 * 86_400_000), until: new Date() }).then(
      (r) => metrics.recordCompliance(r),
      (err: unknown) => logger.warn({ err }, 'compliance metrics not refreshed'),
    );
  void refresh();
  const timer = setInterval(() => void refresh(), complianceRefreshMs);
  timer.unref();
  const server = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    token: httpTokenFromEnv(),
    allowUnauthenticated: config.http.allowUnauthenticated,
    logger,
    readiness: makeReadinessCheck({ redis: rotor.redis, vault: rotor.store }),
    metrics: metrics.registry,
    report,
  });
  return {
    ...server,
    async close() {
      clearInterval(timer);
      await server.close();
    },
  };
}
