import type { Command } from 'commander';
import { makeRotor } from '../../app/makeRotor.js';
import { untilSignal } from '../../app/runProcess.js';
import { loadConfig } from '../../config/loadConfig.js';
import { makeLogger } from '../../observability/logger.js';
import { redisSettingsOf } from '../../queue/cluster.js';
import { assertRedisReachable } from '../../queue/redis.js';
import { startScheduler } from '../../scheduling/startScheduler.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';

/**
 * `rotor scheduler`: the scheduling half of `rotor run`, for scaling out. Any number may run: they
 * share the schedules in Redis, and BullMQ hands each firing to one of them.
 */
export function registerSchedulerCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('scheduler')
    .description('sync schedules with the config, enqueue scheduled rotations, run the max-age sweep')
    .option('--once', 'sync the schedules and run one max-age sweep, print what it enqueued, and exit')
    .action(async (flags: { once?: boolean }) => {
      const config = await loadConfig(globals().configPath);
      const logger = makeLogger({ destination: process.stderr });
      if (!redisSettingsOf(config.redis).cluster) await assertRedisReachable(redisSettingsOf(config.redis));
      const rotor = await makeRotor(config, logger);
      const scheduler = await startScheduler(rotor).catch(async (err: unknown) => {
        await rotor.close();
        throw err;
      });
      if (flags.once) {
        try {
          const sweep = await scheduler.sweep();
          process.stdout.write(`${JSON.stringify(sweep)}\n`);
          if (sweep.errors.length > 0) {
            throw new CliExit(exitCodes.failure, `sweep: ${sweep.errors.length} targets unreadable in Vault`);
          }
        } finally {
          await scheduler.close();
          await rotor.close();
        }
        return;
      }
      logger.info(
        { targets: config.targets.length, schedules: config.targets.filter((t) => t.schedule).length },
        'rotor scheduler started',
      );
      await untilSignal(logger, async () => {
        await scheduler.close();
        await rotor.close();
      });
      logger.info('stopped');
    });
}
