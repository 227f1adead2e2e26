import type { Command } from 'commander';
import { verifyChainFile } from '../../audit/chainFile.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { describeChain, withAuditLog } from './auditContext.js';
import { registerReportCommand } from './auditReport.js';
import { registerVerifyReportCommand } from './auditVerifyReport.js';

/**
 * `rotor audit verify | export | report | verify-report`: thin wrappers over the audit log and the report builder.
 * Results go to stdout (or --out); diagnostics to stderr, so `rotor audit report > r.html` is clean.
 */
export function registerAuditCommand(program: Command, globals: () => GlobalOptions): void {
  const audit = program.command('audit').description('audit chain and compliance reports');

  audit
    .command('verify')
    .description('check the audit hash chain; exit 1 naming the first changed, deleted, inserted or reordered event')
    .option('--file <file>', 'check an exported (or archived) JSON Lines file offline instead of Redis')
    .action(async (opts: { file?: string }) => {
      if (opts.file) return verifyFile(opts.file);
      await withAuditLog(globals, async ({ log }) => {
        const verdict = await log.verify();
        if (!verdict.ok) throw new CliExit(exitCodes.failure, `audit chain broken: ${verdict.problem.message}`);
        process.stdout.write(`audit chain intact: ${describeChain(verdict.count, verdict.anchor, verdict.head)}\n`);
      });
    });

  audit
    .command('export')
    .description('write the audit chain as JSON Lines that `rotor audit verify --file` checks offline')
    .requiredOption('--out <file>', 'where to write (created with mode 0600, fsynced)')
    .action(async (opts: { out: string }) => {
      await withAuditLog(globals, async ({ log }) => {
        const { count, head } = await log.export(opts.out);
        process.stdout.write(`${opts.out}: ${count} events, head seq ${head.seq} ${head.hash}\n`);
      });
    });

  registerReportCommand(audit, globals);
  registerVerifyReportCommand(audit);
}

async function verifyFile(file: string): Promise<void> {
  let result: Awaited<ReturnType<typeof verifyChainFile>>;
  try {
    result = await verifyChainFile(file);
  } catch (err) {
    throw new CliExit(exitCodes.usage, `${file}: ${(err as Error).message}`);
  }
  const { verdict, anchor, hasEnd } = result;
  if (!verdict.ok) throw new CliExit(exitCodes.failure, `${file}: audit chain broken: ${verdict.problem.message}`);
  const note = hasEnd
    ? ''
    : ' (an archive has no end line: compare its head with the one `rotor audit verify` prints to see a cut end)';
  process.stdout.write(`${file}: audit chain intact: ${describeChain(verdict.count, anchor, verdict.head)}${note}\n`);
}
