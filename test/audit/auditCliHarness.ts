import { Command } from 'commander';
import { registerAuditCommand } from '../../src/cli/commands/audit.js';
import { CliExit } from '../../src/cli/exitCodes.js';

/** Runs `rotor audit ...` in-process (as main.ts does: CliExit → exit code) and captures its output. */
export async function rotor(
  configPath: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('rotor').exitOverride();
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerAuditCommand(program, () => ({ configPath }));
  const out = { stdout: '', stderr: '' };
  const saved = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => (
    (out.stdout += String(chunk)),
    true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (
    (out.stderr += String(chunk)),
    true
  )) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'rotor', 'audit', ...args]);
    return { code: 0, ...out };
  } catch (err) {
    if (err instanceof CliExit)
      return { code: err.exitCode, stdout: out.stdout, stderr: `${out.stderr}${err.message}\n` };
    throw err;
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}
