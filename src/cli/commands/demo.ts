import type { Command } from 'commander';
import { runDemo } from '../../dev/demo.js';
import { makeLogger } from '../../observability/logger.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import type { CliWiring } from '../wiring.js';

export function registerDemoCommand(program: Command, _globals: () => GlobalOptions, wiring: CliWiring): void {
  program
    .command('demo')
    .description('rotate a seeded IAM user against the in-process simulator and Vault emulator, on real Redis')
    .option('--redis <url>', 'Redis URL (env ROTOR_REDIS_URL)', process.env.ROTOR_REDIS_URL ?? 'redis://127.0.0.1:6379')
    .action(async (opts: { redis: string }) => {
      const logger = makeLogger({ level: process.env.ROTOR_LOG_LEVEL ?? 'warn' });
      const result = await runDemo({
        redisUrl: opts.redis,
        logger,
        rotateProcessor: wiring.rotateProcessor,
        print: (line) => process.stdout.write(`${line}\n`),
      });
      if (!result.ok) throw new CliExit(exitCodes.failure, 'demo: the live password and Vault disagree');
    });
}
