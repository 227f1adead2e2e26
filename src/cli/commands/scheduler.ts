import type { Command } from 'commander';
import { untilSignal } from '../../app/runProcess.js';
import { loadConfig } from '../../config/loadConfig.js';
import { makeLogger } from '../../observability/logger.js';
import { startScheduler } from '../../scheduling/startScheduler.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { openRotor } from '../open.js';
import { withResources } from '../resources.js';
import { vaultWaitOption, vaultWaitMs } from './worker.js';

/**
 * `rotor scheduler`: the scheduling half of `rotor run`, for scaling out. Any number may run: they
 * share the schedules in Redis, and BullMQ hands each firing to one of them.
 */
export function registerSchedulerCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('scheduler')
    .description('sync schedules with the config, enqueue scheduled rotations, run the max-age sweep')
    .option(
      '--once',
      'sync the schedules, run one max-age sweep (onboarding never-seen targets) and the due heartbeats, print what they enqueued, and exit',
    )
    .option(...vaultWaitOption)
    .action(async (flags: { once?: boolean; waitForVault?: string }) => {
      const waitMs = vaultWaitMs(flags.waitForVault);
      const config = await loadConfig(globals().configPath);
      const logger = makeLogger({ destination: process.stderr });
      await withResources(
        async (resources) => {
          const rotor = await openRotor(resources, config, logger, { waitMs, waitWhileSealed: !flags.once });
          const scheduler = resources.add(await startScheduler(rotor), (s) => s.close());
          if (flags.once) {
            const sweep = await scheduler.sweep();
            const heartbeats = await scheduler.heartbeatSweep();
            process.stdout.write(`${JSON.stringify({ ...sweep, heartbeats })}\n`);
            if (sweep.errors.length > 0) {
              throw new CliExit(exitCodes.failure, `sweep: ${sweep.errors.length} targets unreadable in Vault`);
            }
            return;
          }
          logger.info(
            { targets: config.targets.length, schedules: config.targets.filter((t) => t.schedule).length },
            'rotor scheduler started',
          );
          await untilSignal(logger, () => resources.close());
          logger.info('stopped');
        },
        (err) => logger.warn({ err }, 'shutdown: closing failed'),
      );
    });
}
