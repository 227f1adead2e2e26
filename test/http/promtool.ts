import { spawn } from 'node:child_process';
import { findOnPath } from '../helpers/onPath.js';

/** `promtool` on PATH (Debian's `prometheus` package puts it in /usr/bin), or undefined. */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findOnPath('promtool', env);
}

/** `.ci/run` sets ROTOR_REQUIRE_PROMTOOL=1: there a missing promtool is a failure, not a skip. */
export const promtoolRequired = process.env.ROTOR_REQUIRE_PROMTOOL === '1';

/** The one line printed when the promtool check cannot run, saying what to install. */
export const missingPromtoolAdvice =
  `promtool check of /metrics ${promtoolRequired ? 'cannot run (ROTOR_REQUIRE_PROMTOOL=1)' : 'skipped'}: ` +
  `no promtool on PATH; install Debian's prometheus package (apt-get install prometheus) or put promtool on PATH`;

/** Runs `promtool check metrics` on `text` (fed on stdin, as the tool expects); resolves its exit code and output. */
export function promtoolCheckMetrics(promtool: string, text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}
