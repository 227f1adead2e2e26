import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../helpers/runCli.js';
import { env, validConfig } from './fixtures.js';

const broken: [string, (text: string) => string, RegExp][] = [
  [
    'an unknown kind',
    (t) => t.replace('kind: huawei-cbh-admin', 'kind: huawei-iam'),
    /rotor\.yaml:30:11: targets\[2\]\.kind: expected one of huawei-iam-user \| huawei-meeting-user \| huawei-cbh-admin \| http, got "huawei-iam"/,
  ],
  [
    'a missing secretPath',
    (t) => t.replace('    secretPath: huawei/meeting/bob\n', ''),
    /rotor\.yaml:24:5: targets\[1\]\.secretPath: expected string, got nothing/,
  ],
  [
    'a duplicate target id',
    (t) => t.replace('id: meeting-bob', 'id: iam-alice'),
    /rotor\.yaml:24:9: targets\[1\]\.id: expected a unique target id, got "iam-alice" \(also targets\[0\]\.id\)/,
  ],
  [
    'a bad cron',
    (t) => t.replace('0 3 * * 0', '61 * * * *'),
    /rotor\.yaml:22:23: targets\[0\]\.schedule\.cron: expected a cron expression like "0 3 \* \* 0".*, got "61 \* \* \* \*"/,
  ],
  [
    'an unknown key',
    (t) => t.replace('worker: { concurrency: 4 }', 'worker: { concurency: 4 }'),
    /rotor\.yaml:8:11: worker: unknown key "concurency" \(did you mean "concurrency"\?\)/,
  ],
];

describe('rotor config validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rotor-config-'));
  });

  it('accepts a valid config and exits 0', async () => {
    const file = join(dir, 'rotor.yaml');
    await writeFile(file, validConfig);
    const result = await runCli(['--config', file, 'config', 'validate'], env);
    expect(result.stdout).toContain('ok (3 targets)');
    expect(result.code).toBe(0);
  });

  it('counts targets and problems in words: 1 target, 1 problem', async () => {
    const file = join(dir, 'one.yaml');
    const one = validConfig.slice(0, validConfig.indexOf('  - id: meeting-bob'));
    await writeFile(file, one);
    expect((await runCli(['--config', file, 'config', 'validate'], env)).stdout).toContain('ok (1 target)\n');
    await writeFile(file, one.replace('kind: huawei-iam-user', 'kind: huawei-iam'));
    expect((await runCli(['--config', file, 'config', 'validate'], env)).stderr).toContain(`${file}: 1 problem\n`);
  });

  it('prints only the YAML error when the YAML does not parse, not problems of a half-read document', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, validConfig.replace('  - id: meeting-bob', '  - { id: meeting-bob, b'));
    const result = await runCli(['--config', file, 'config', 'validate'], env);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${file}:25:11: YAML: .*the "\\{" at 24:5 is never closed`));
    expect(lines[1]).toBe(`${file}: 1 problem`);
    expect(result.code).toBe(2);
  });

  it.each(broken)('reports %s precisely and exits 2', async (_name, breakIt, expected) => {
    const file = join(dir, 'rotor.yaml');
    await writeFile(file, breakIt(validConfig));
    const result = await runCli(['--config', file, 'config', 'validate'], env);
    expect(result.stderr).toMatch(expected);
    expect(result.code).toBe(2);
  });

  it('warns about a policy under 80 bits of entropy, and still accepts it', async () => {
    const file = join(dir, 'weak.yaml');
    await writeFile(file, validConfig.replace('strong: { length: 24,', 'strong: { length: 10,'));
    const result = await runCli(['--config', file, 'config', 'validate'], env);
    expect(result.stderr).toMatch(/warning: .*strong.*\d+(\.\d+)? bits/);
    expect(result.code).toBe(0);
  });

  it('prints warnings with their place, never the token itself, and still exits 0', async () => {
    const file = join(dir, 'literal-token.yaml');
    const text = validConfig
      .replace('token: "${VAULT_TOKEN}"', 'token: hvs.Literal-Token-In-File')
      .replace('maxAge: 90d', 'maxAge: 3d');
    await writeFile(file, text);
    const result = await runCli(['--config', file, 'config', 'validate'], {});
    expect(result.stderr).toContain(`${file}:5:33: warning: vault.auth.token: `);
    expect(result.stderr).toContain('write token: "${VAULT_TOKEN}"');
    expect(result.stderr).toContain(`${file}:23:13: warning: targets[0]: maxAge 3d is shorter than its schedule`);
    expect(result.stderr + result.stdout).not.toContain('Literal-Token-In-File');
    expect(result.stdout).toContain('ok (3 targets)');
    expect(result.code).toBe(0);
  });

  it('takes the file from ROTOR_CONFIG when --config is not given', async () => {
    const file = join(dir, 'from-env.yaml');
    await writeFile(file, validConfig.replace('kind: huawei-cbh-admin', 'kind: nope'));
    const result = await runCli(['config', 'validate'], { ...env, ROTOR_CONFIG: file });
    expect(result.stderr).toContain(`${file}:30:11: targets[2].kind`);
    expect(result.code).toBe(2);
  });

  it('stops any command on a config problem with the same precise message and exit 2', async () => {
    const result = await runCli(['reconcile', 'iam-alice'], { VAULT_TOKEN: '' });
    expect(result.stderr).toContain(
      'config/rotor.yaml:6:33: vault.auth.token: environment variable VAULT_TOKEN is not set (and no default given)',
    );
    expect(result.code).toBe(2);
  });
});
