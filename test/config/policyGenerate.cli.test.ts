import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runCli } from '../helpers/runCli.js';
import { env, validConfig } from './fixtures.js';

describe('rotor policy generate', () => {
  it("prints N passwords of the policy with the target's rules, and warns on stderr that they are secrets", async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'rotor-policy-')), 'rotor.yaml');
    await writeFile(file, validConfig);
    const result = await runCli(
      ['--config', file, 'policy', 'generate', 'strong', '--target', 'meeting-bob', '--count', '5'],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('secrets');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const p of lines) {
      expect(p).toHaveLength(24);
      expect(p).not.toMatch(/[lIO0]/);
      expect(p.match(/[a-z]/g)?.length).toBeGreaterThanOrEqual(2);
      expect(p.match(/[^A-Za-z0-9]/g)?.length).toBeGreaterThanOrEqual(2);
    }
    expect(new Set(lines).size).toBe(5);
  });

  it('names an undefined policy and exits 2', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'rotor-policy-')), 'rotor.yaml');
    await writeFile(file, validConfig);
    const result = await runCli(['--config', file, 'policy', 'generate', 'weak'], env);
    expect(result.stderr).toMatch(/policy weak is not defined/);
    expect(result.code).toBe(2);
  });
});
