import type { Command } from 'commander';
import { makeRotor } from '../../app/makeRotor.js';
import { loadConfig } from '../../config/loadConfig.js';
import { makeLogger } from '../../observability/logger.js';
import { redisSettingsOf } from '../../queue/cluster.js';
import { assertRedisReachable } from '../../queue/redis.js';
import { startScheduler } from '../../scheduling/startScheduler.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';

export function registerSchedulerCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('scheduler')
    .description('sync schedules with the config, enqueue scheduled rotations, run the max-age sweep')
    .option('--once', 'sync the schedules and sweep once, then exit')
    .action(async (flags: { once?: boolean }) => {
      const config = await loadConfig(globals().configPath);
      const logger = makeLogger({ destination: process.stderr });
      if (!redisSettingsOf(config.redis).cluster) await assertRedisReachable(config.redis.url);
      const rotor = await makeRotor(config, logger);
      let scheduler: Awaited<ReturnType<typeof startScheduler>> | undefined;
      try {
        scheduler = await startScheduler(rotor);
        if (flags.once) {
          const sweep = await scheduler.sweep();
          process.stdout.write(
            `${JSON.stringify({ due: sweep.due, enqueued: sweep.enqueued, errors: sweep.errors })}\n`,
          );
          if (sweep.errors.length > 0)
            throw new CliExit(exitCodes.failure, `sweep: ${sweep.errors.length} targets unreadable`);
          return;
        }
        logger.info({ targets: config.targets.length }, 'scheduler running');
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        logger.info('scheduler stopping');
      } finally {
        await scheduler?.close();
        await rotor.close();
      }
    });
}
