import { Command, CommanderError } from 'commander';
import { ConfigError, formatProblem } from '../config/problems.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerConfigCommand } from './commands/config.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEventsCommand } from './commands/events.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerReconcileCommand } from './commands/reconcile.js';
import { registerRotateCommand } from './commands/rotate.js';
import { registerSchedulerCommand } from './commands/scheduler.js';
import { registerStatusCommand } from './commands/status.js';
import { registerWorkerCommands } from './commands/worker.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerSimCommand } from './commands/sim.js';
import { tracingWanted } from '../observability/tracing.js';
import { CliExit, exitCodes } from './exitCodes.js';
import { readGlobals } from './globals.js';
import { rotorVersion } from '../observability/version.js';
import type { CliWiring } from './wiring.js';

/**
 * The CLI only turns flags into options and calls the same library functions the programmatic API
 * uses; each command lives in its own file under commands/.
 */
export function buildProgram(wiring: CliWiring): Command {
  const program = new Command('rotor')
    .description('rotor: rotates account passwords on remote systems and keeps them in HashiCorp Vault')
    .version(rotorVersion(), '-V, --version', 'print the version and exit')
    .option('--config <path>', 'config file (default config/rotor.yaml, env ROTOR_CONFIG)')
    .showHelpAfterError()
    .exitOverride();
  const globals = () => readGlobals(program.opts<{ config?: string }>());
  registerDemoCommand(program, globals, wiring);
  registerConfigCommand(program, globals);
  registerAuditCommand(program, globals);
  registerPolicyCommand(program, globals);
  registerWorkerCommands(program, globals, wiring);
  registerReconcileCommand(program, globals);
  registerSimCommand(program, globals);
  registerRotateCommand(program, globals);
  registerStatusCommand(program, globals);
  registerVerifyCommand(program, globals);
  registerSchedulerCommand(program, globals);
  registerEventsCommand(program, globals);
  return program;
}

export async function main(argv: string[], wiring: CliWiring): Promise<number> {
  // The SDK is loaded only when OTEL_* variables ask for tracing; its buffered spans are flushed on the way out.
  const tracing = tracingWanted(process.env)
    ? (await import('../observability/tracingSdk.js')).startTracing(process.env)
    : undefined;
  try {
    return await runProgram(argv, wiring);
  } finally {
    await tracing?.shutdown().catch(() => undefined);
  }
}

async function runProgram(argv: string[], wiring: CliWiring): Promise<number> {
  const program = buildProgram(wiring);
  try {
    await program.parseAsync(argv);
    return exitCodes.ok;
  } catch (err) {
    if (err instanceof CliExit) {
      if (err.message) process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return exitCodes.usage;
    }
    if (err instanceof CommanderError) {
      // help and version are not failures; every other parse problem is bad usage.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return exitCodes.ok;
      }
      return exitCodes.usage;
    }
    process.stderr.write(`rotor: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodes.failure;
  }
}
