import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { repoRoot } from '../helpers/runCli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rotor sim --token-file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rotor-sim-token-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves the emulator root token readable by its owner only, even in a file that was 0644', async () => {
    const file = join(dir, 'vault-token');
    await writeFile(file, 'an old token\n');
    await chmod(file, 0o644);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    delete env.VAULT_TOKEN;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bin/rotor.ts', 'sim', '--port', '0', '--vault-port', '0', '--token-file', file],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!output.includes(`in ${file}`)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`rotor sim did not start:\n${output}`);
        await sleep(100);
      }
      const token = (await readFile(file, 'utf8')).trim();
      expect(token).not.toBe('an old token');
      expect(token.length).toBeGreaterThan(10);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      // Nothing printed the token, and no temporary file was left beside it.
      expect(output).not.toContain(token);
      expect(await readdir(dir)).toEqual(['vault-token']);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
