import type { Command } from 'commander';
import { startAuditAnchoring } from '../../audit/anchoring.js';
import { loadControlMapping } from '../../audit/controlMapping.js';
import type { AuditLog } from '../../audit/redisAuditLog.js';
import { makeRotor } from '../../app/makeRotor.js';
import { untilSignal } from '../../app/runProcess.js';
import { assertHttpExposureAllowed, makeRunMetrics, startRotorHttp } from '../../app/startRotorHttp.js';
import { loadConfig } from '../../config/loadConfig.js';
import { makeLogger } from '../../observability/logger.js';
import { makeMetrics } from '../../observability/metrics.js';
import { redisSettingsOf } from '../../queue/cluster.js';
import { assertRedisReachable } from '../../queue/redis.js';
import { startRotationWorker } from '../../queue/startWorker.js';
import { startScheduler } from '../../scheduling/startScheduler.js';
import type { GlobalOptions } from '../globals.js';

/** `rotor worker` (rotation jobs only) and `rotor run` (worker + scheduler + HTTP): the main job. */
export function registerWorkerCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('worker')
    .description('process rotation jobs until SIGTERM/SIGINT')
    .option('--concurrency <n>', 'rotations at once (default: worker.concurrency)')
    .action(async (opts: { concurrency?: string }) => {
      await runWorker(globals().configPath, { concurrency: opts.concurrency, http: false, scheduler: false });
    });
  program
    .command('run')
    .description('scheduler + worker + HTTP (metrics, health, report) in one process: the main job')
    .option('--concurrency <n>', 'rotations at once (default: worker.concurrency)')
    .action(async (opts: { concurrency?: string }) => {
      await runWorker(globals().configPath, { concurrency: opts.concurrency, http: true, scheduler: true });
    });
}

async function runWorker(
  configPath: string,
  opts: { concurrency?: string; http: boolean; scheduler: boolean },
): Promise<void> {
  const config = await loadConfig(configPath);
  // Before anything starts: a refused HTTP server found after the worker started would leave it running.
  if (opts.http) assertHttpExposureAllowed(configPath, config.http);
  const controls = opts.http ? await loadControlMapping(config.audit.controls) : undefined;
  const logger = makeLogger();
  // A cluster has several seed nodes; its client finds a live one by itself.
  if (!config.redis.cluster) await assertRedisReachable(redisSettingsOf(config.redis));
  const run = opts.http ? makeRunMetrics(config) : undefined;
  const metrics = run?.metrics ?? makeMetrics();
  const rotor = await makeRotor(config, logger, { metrics, waitForVault: true });
  await rotor.audit.append({ type: 'config.loaded', actor: 'worker', detail: { targets: config.targets.length } });
  const worker = await startRotationWorker(rotor, {
    concurrency: opts.concurrency === undefined ? undefined : Number(opts.concurrency),
  });
  // The audit chain's head goes to Vault every audit.anchorEvery: `rotor audit verify` checks against it.
  const anchoring = startAuditAnchoring({
    log: rotor.audit as AuditLog,
    vault: rotor.store,
    mount: config.vault.mount,
    statePrefix: config.vault.statePrefix,
    redis: rotor.redis,
    prefix: config.redis.prefix,
    logger,
    anchorEvery: config.audit.anchorEvery,
    periodic: true,
  });
  const scheduler = opts.scheduler ? await startScheduler(rotor) : undefined;
  const http = opts.http
    ? await startRotorHttp(rotor, metrics, { configFile: configPath, controls, anchoring })
    : undefined;
  logger.info(
    { targets: config.targets.length, concurrency: worker.worker.opts.concurrency, http: http?.url },
    opts.scheduler ? 'rotor run started' : 'rotor worker started',
  );
  await untilSignal(logger, async () => {
    await scheduler?.close();
    await worker.close(config.rotation.shutdownTimeoutMs);
    await http?.close();
    await anchoring.close();
    await run?.close();
    await rotor.close();
  });
  logger.info('stopped');
}
