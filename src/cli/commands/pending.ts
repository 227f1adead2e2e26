import type { Command } from 'commander';
import { notImplemented } from '../exitCodes.js';

/**
 * Commands of the CLI contract that are not built yet. Each exits 2 saying so, rather than
 * pretending to succeed; each moves to its own file when it is built.
 */
export function registerPendingCommands(program: Command): void {
  program
    .command('scheduler')
    .description('sync schedules and run the max-age sweep')
    .action(() => notImplemented('scheduler'));
  program
    .command('rotate')
    .description('rotate targets now')
    .argument('[ids...]', 'target ids')
    .option('--all', 'every configured target')
    .option('--kind <kind>', 'every target of this kind')
    .option('--tag <tag>', 'every target with this tag')
    .option('--wait', 'wait for the outcome; exit 0 only if every rotation succeeded')
    .option('--timeout <duration>', 'how long --wait waits', '60s')
    .option('--dry-run', 'authenticate, generate and validate, check Vault access; change nothing')
    .option('--json', 'JSON lines output')
    .action(() => notImplemented('rotate'));
  program
    .command('status')
    .description('per target: last success, age, next due, state')
    .argument('[id]')
    .option('--json')
    .action(() => notImplemented('status'));
}
