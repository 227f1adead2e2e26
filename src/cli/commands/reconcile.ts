import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig } from '../../config/loadConfig.js';
import { makeLogger } from '../../observability/logger.js';
import { reconcileTarget } from '../../rotation/reconcile.js';
import { withCurrentAccount } from '../../rotation/alternating.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { openRotor } from '../open.js';
import { withResources } from '../resources.js';

export function registerReconcileCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('reconcile')
    .description('resolve an out-of-sync target (admin reset where the API has one, else probe the known passwords)')
    .argument('<id>', 'target id')
    .action(async (id: string) => {
      const config = await loadConfig(globals().configPath);
      const target = config.targets.find((t) => t.id === id);
      if (!target) throw new CliExit(exitCodes.usage, `no target with id "${id}"`);
      const logger = makeLogger({ level: process.env.ROTOR_LOG_LEVEL ?? 'warn' });
      await withResources(async (resources) => {
        const rotor = await openRotor(resources, config, logger);
        try {
          // Alternating accounts: reconcile the account the secret names.
          const deps = await withCurrentAccount(rotor.rotationDeps(target));
          const outcome = await reconcileTarget(deps, `cli:${userInfo().username}`);
          process.stdout.write(
            `${id}: reconciled by ${outcome.method}; Vault holds the live password (version ${outcome.version}${outcome.verified ? ', verified' : ', not verifiable'})\n`,
          );
        } catch (err) {
          throw new CliExit(exitCodes.failure, `${id}: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
    });
}
