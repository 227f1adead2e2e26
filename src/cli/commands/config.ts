import type { Command } from 'commander';
import { missingVaultCredentials } from '../../config/lazyCredentials.js';
import { readConfig } from '../../config/loadConfig.js';
import { ConfigError, counted, formatProblem } from '../../config/problems.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';

export function registerConfigCommand(program: Command, globals: () => GlobalOptions): void {
  const config = program.command('config').description('work with the config file');
  config
    .command('validate')
    .description('check the config file; print every problem with file, path, expected and found')
    .action(async () => {
      const file = globals().configPath;
      try {
        const { config: parsed, warnings } = await readConfig(file);
        // Loading leaves unset Vault credentials for later (a service that only enqueues needs none);
        // a config check still names them, since every worker needs them.
        const missing = missingVaultCredentials(parsed);
        if (missing.length > 0) throw new ConfigError(missing);
        // Warnings do not fail validation: each is allowed, but probably not meant.
        for (const warning of warnings) process.stderr.write(`${formatProblem(warning, 'warning')}\n`);
        process.stdout.write(`${file}: ok (${counted(parsed.targets.length, 'target')})\n`);
      } catch (err) {
        if (err instanceof ConfigError) {
          for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
          throw new CliExit(exitCodes.usage, `${file}: ${counted(err.problems.length, 'problem')}`);
        }
        throw err;
      }
    });
}
