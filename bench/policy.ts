/**
 * Generation throughput: passwords per second for a 24-character, 4-class policy (the architecture's
 * `strong`), generated and checked by the validator exactly as a rotation does.
 * Run: `npx tsx bench/policy.ts [seconds]` (default 5). Prints one JSON line.
 */
import { generatePassword } from '../src/policy/index.js';
import { effectivePolicy } from '../src/connectors/kindPolicy.js';

const seconds = Number(process.argv[2] ?? 5);
const policy = effectivePolicy({
  policyName: 'strong',
  configured: { length: 24, lower: 2, upper: 2, digits: 2, special: 2, specialChars: '!@#$%^&*-_=+', exclude: 'lIO0' },
});

// Warm up so the JIT and crypto's random pool are in steady state before timing.
for (let i = 0; i < 20_000; i += 1) generatePassword(policy);

let count = 0;
let sink = 0;
const start = process.hrtime.bigint();
const deadline = start + BigInt(Math.round(seconds * 1e9));
let now = start;
while (now < deadline) {
  // Check the clock every 1,000 passwords: reading it costs more than a password.
  for (let i = 0; i < 1_000; i += 1) sink += generatePassword(policy).length;
  count += 1_000;
  now = process.hrtime.bigint();
}
const elapsed = Number(now - start) / 1e9;
if (sink !== count * policy.length) throw new Error('unexpected password length');

console.log(
  JSON.stringify({
    bench: 'policy.generate',
    passwordsPerSec: Math.round(count / elapsed),
    policy: '24 chars, 4 classes',
    passwords: count,
    seconds: Number(elapsed.toFixed(2)),
    node: process.version,
  }),
);
