import { readFile } from 'node:fs/promises';
import { Queue } from 'bullmq';
import type { AuditAnchoring } from '../audit/anchoring.js';
import { chainEvidence, checkChain } from '../audit/chainEvidence.js';
import { loadControlMapping } from '../audit/controlMapping.js';
import { bytesDigest } from '../audit/reportDigest.js';
import type { ControlEvidence } from '../audit/reportModel.js';
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

/**
 * How long one compliance report serves the gauges (oldest password age, targets out of sync): building
 * one reads every target's secret and the audit log, too much to repeat at every scrape.
 */
const complianceMaxAgeMs = 60_000;

/** `load()`'s result, reused for `maxAgeMs`; a failure is not kept, so the next call tries again. */
function cachedFor<T>(maxAgeMs: number, load: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > maxAgeMs) {
      const value = load();
      const entry = { at: Date.now(), value };
      last = entry;
      value.catch(() => {
        if (last === entry) last = undefined;
      });
    }
    return last.value;
  };
}

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
 * The HTTP face of `rotor run` (/healthz, /readyz, /metrics, /report). The compliance gauges come from
 * the same report the page shows, read at scrape time (at most once a minute) and computed once at
 * startup, so the first scrape already has them.
 */
export async function startRotorHttp(
  rotor: Rotor,
  metrics: RotorMetrics,
  /** The config file (for the report's config digest), its control mapping if already read, the anchors. */
  options: { configFile?: string; controls?: readonly ControlEvidence[]; anchoring?: AuditAnchoring } = {},
): Promise<HttpServer> {
  const { config, logger } = rotor;
  const auditLog = rotor.audit as AuditLog;
  // Read once at start: a broken mapping stops `rotor run` with the line to fix, not a 500 later.
  const controls = options.controls ?? (await loadControlMapping(config.audit.controls));
  const configDigest = options.configFile ? bytesDigest(await readFile(options.configFile)) : undefined;
  const sources = {
    targets: config.targets,
    policies: config.policies,
    auditLog,
    lastRotations: () => readLastRotations(rotor.store, config.targets),
    controls: async () => controls,
    configDigest,
  };
  // /report anchors and checks the chain for every report; the gauges need only the figures.
  const anchoring = options.anchoring;
  const chain = async () =>
    chainEvidence(await (anchoring ? anchoring.anchorAndCheck() : checkChain({ log: auditLog })));
  const report = makeReportProvider({ ...sources, chain });
  const figures = makeReportProvider(sources);
  const compliance = cachedFor(complianceMaxAgeMs, () =>
    figures({ since: new Date(Date.now() - 30 * 86_400_000), until: new Date() }).catch((err: unknown) => {
      logger.warn({ err }, 'compliance metrics not refreshed');
      throw err;
    }),
  );
  metrics.complianceFrom(compliance);
  compliance().catch(() => undefined); // started now: the first scrape finds it done or under way
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
  return server;
}
