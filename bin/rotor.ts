#!/usr/bin/env node
import { makeRotateProcessor } from '../jobs/rotate.js';
import { exitCodes } from '../src/cli/exitCodes.js';
import { main } from '../src/cli/main.js';

/*
 * The composition root: the one place that hands the BullMQ processors of `jobs/` to the library's
 * CLI, so that nothing under `src/` imports `jobs/`.
 */

/**
 * Once a command has returned, nothing it started should keep the process up. Commands close what
 * they open; this is the backstop against a client or timer a library leaves behind, so a user is
 * never left at a silent, hung prompt after the result (or the error) was printed.
 */
function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 3_000).unref();
}

main(process.argv, { rotateProcessor: makeRotateProcessor }).then(exitSoon, (err: unknown) => {
  process.stderr.write(`rotor: ${String(err)}\n`);
  exitSoon(exitCodes.failure);
});
