import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/runCli.js';

describe('rotor --version', () => {
  it('prints the version in package.json and exits 0, with -V as its short form', async () => {
    const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const long = await runCli(['--version']);
    const short = await runCli(['-V']);
    expect(long).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(short).toEqual(long);
  });
});
