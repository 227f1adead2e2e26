import type { Command } from 'commander';
import type { GlobalOptions } from '../globals.js';
import { withAuditLog } from './auditContext.js';
import { registerReportCommand } from './auditReport.js';
import { registerVerifyCommand } from './auditVerify.js';
import { registerVerifyReportCommand } from './auditVerifyReport.js';

/**
 * `rotor audit verify | export | report | verify-report`: thin wrappers over the audit log and the report builder.
 * Results go to stdout (or --out); diagnostics to stderr, so `rotor audit report > r.html` is clean.
 */
export function registerAuditCommand(program: Command, globals: () => GlobalOptions): void {
  const audit = program.command('audit').description('audit chain and compliance reports');

  registerVerifyCommand(audit, globals);

  audit
    .command('export')
    .description('write the audit chain as JSON Lines that `rotor audit verify --file` checks offline')
    .requiredOption('--out <file>', 'where to write (created with mode 0600, fsynced)')
    .action(async (opts: { out: string }) => {
      await withAuditLog(globals, { vault: false }, async ({ log }) => {
        const { count, head } = await log.export(opts.out);
        process.stdout.write(`${opts.out}: ${count} events, head seq ${head.seq} ${head.hash}\n`);
      });
    });

  registerReportCommand(audit, globals);
  registerVerifyReportCommand(audit);
}
