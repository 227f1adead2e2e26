import type { Command } from 'commander';
import { startAuditAnchoring } from '../../audit/anchoring.js';
import { loadControlMapping } from '../../audit/controlMapping.js';
import type { AuditLog } from '../../audit/redisAuditLog.js';
import { makeRotor } from '../../app/makeRotor.js';
import { holdSignalsWhileStarting, untilSignal } from '../../app/runProcess.js';
import { assertHttpExposureAllowed, makeRunMetrics, startRotorHttp } from '../../app/startRotorHttp.js';
import { parseDuration } from '../../config/duration.js';
import { loadConfig } from '../../config/loadConfig.js';
import { startEvents } from '../../events/index.js';
import { makeLogger } from '../../observability/logger.js';
import { makeMetrics } from '../../observability/metrics.js';
import { startRotationWorker } from '../../queue/startWorker.js';
import { startScheduler } from '../../scheduling/startScheduler.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { checkRedis, openVault } from '../open.js';
import { withResources } from '../resources.js';
import type { CliWiring } from '../wiring.js';

/** `--wait-for-vault`, shared by the long-running commands. */
export const vaultWaitOption = [
  '--wait-for-vault <duration>',
  'keep trying this long (e.g. 2m) while Vault is unreachable at start, instead of exiting 1 at once (a sealed Vault is always waited for)',
] as const;

export function vaultWaitMs(flag: string | undefined): number {
  if (flag === undefined) return 0;
  const ms = parseDuration(flag);
  if (ms === undefined)
    throw new CliExit(exitCodes.usage, `--wait-for-vault: expected a duration like 2m, got "${flag}"`);
  return ms;
}

interface WorkerFlags {
  concurrency?: string;
  waitForVault?: string;
}

/** `rotor worker` (rotation jobs only) and `rotor run` (worker + scheduler + HTTP): the main job. */
export function registerWorkerCommands(program: Command, globals: () => GlobalOptions, wiring: CliWiring): void {
  program
    .command('worker')
    .description('process rotation jobs until SIGTERM/SIGINT')
    .option('--concurrency <n>', 'rotations at once (default: worker.concurrency)')
    .option(...vaultWaitOption)
    .action(async (opts: WorkerFlags) => {
      await runWorker(globals().configPath, opts, { http: false, scheduler: false }, wiring);
    });
  program
    .command('run')
    .description('scheduler + worker + HTTP (metrics, health, report) in one process: the main job')
    .option('--concurrency <n>', 'rotations at once (default: worker.concurrency)')
    .option(...vaultWaitOption)
    .action(async (opts: WorkerFlags) => {
      await runWorker(globals().configPath, opts, { http: true, scheduler: true }, wiring);
    });
}

async function runWorker(
  configPath: string,
  flags: WorkerFlags,
  parts: { http: boolean; scheduler: boolean },
  wiring: CliWiring,
) {
  const waitMs = vaultWaitMs(flags.waitForVault);
  const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
    throw new CliExit(exitCodes.usage, `--concurrency: expected a positive whole number, got "${flags.concurrency}"`);
  }
  const config = await loadConfig(configPath);
  // Before anything starts: a refused HTTP server found after the worker started would leave it running.
  if (parts.http) assertHttpExposureAllowed(configPath, config.http);
  const controls = parts.http ? await loadControlMapping(config.audit.controls) : undefined;
  const logger = makeLogger();
  holdSignalsWhileStarting();
  await withResources(
    async (resources) => {
      // Vault first: a Vault problem ends the command before any Redis client exists.
      await checkRedis(config);
      const store = await openVault(resources, config, logger, { checkMount: true, waitMs, waitWhileSealed: true });
      const run = parts.http ? resources.add(makeRunMetrics(config), (r) => r.close()) : undefined;
      const metrics = run?.metrics ?? makeMetrics();
      const rotor = resources.add(await makeRotor(config, logger, { metrics, store }), (r) => r.close());
      await rotor.audit.append({ type: 'config.loaded', actor: 'worker', detail: { targets: config.targets.length } });
      // The audit chain's head goes to Vault every audit.anchorEvery: `rotor audit verify` checks against it.
      const anchoring = resources.add(
        startAuditAnchoring({
          log: rotor.audit as AuditLog,
          vault: rotor.store,
          mount: config.vault.mount,
          statePrefix: config.vault.statePrefix,
          redis: rotor.redis,
          prefix: config.redis.prefix,
          logger,
          anchorEvery: config.audit.anchorEvery,
          periodic: true,
        }),
        (a) => a.close(),
      );
      // Opened in this order so that closing (the reverse) stops the scheduler, drains the worker, then
      // takes the HTTP endpoints down, as an orchestrator expects during a graceful stop.
      const http = parts.http
        ? resources.add(await startRotorHttp(rotor, metrics, { configFile: configPath, controls, anchoring }), (h) =>
            h.close(),
          )
        : undefined;
      const worker = resources.add(
        await startRotationWorker(rotor, wiring.rotateProcessor(rotor), { concurrency }),
        (w) => w.close(config.rotation.shutdownTimeoutMs),
      );
      if (parts.scheduler) resources.add(await startScheduler(rotor), (s) => s.close());
      resources.add(startEvents(config, rotor.redis, rotor.store, logger, metrics.registry), (d) => d.close());
      logger.info(
        { targets: config.targets.length, concurrency: worker.worker.opts.concurrency, http: http?.url },
        parts.scheduler ? 'rotor run started' : 'rotor worker started',
      );
      await untilSignal(logger, () => resources.close());
      logger.info('stopped');
    },
    (err) => logger.warn({ err }, 'shutdown: closing failed'),
  );
}
