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
    /rotor\.yaml: targets\[2\]\.kind: expected one of huawei-iam-user \| huawei-meeting-user \| huawei-cbh-admin, got "huawei-iam"/,
  ],
  [
    'a missing secretPath',
    (t) => t.replace('    secretPath: huawei/meeting/bob\n', ''),
    /rotor\.yaml: targets\[1\]\.secretPath: expected string, got nothing/,
  ],
  [
    'a duplicate target id',
    (t) => t.replace('id: meeting-bob', 'id: iam-alice'),
    /rotor\.yaml: targets\[1\]\.id: expected a unique target id, got "iam-alice" \(also targets\[0\]\.id\)/,
  ],
  [
    'a bad cron',
    (t) => t.replace('0 3 * * 0', '61 * * * *'),
    /rotor\.yaml: targets\[0\]\.schedule\.cron: expected a cron expression like "0 3 \* \* 0"/,
  ],
  [
    'an unknown key',
    (t) => t.replace('worker: { concurrency: 4 }', 'worker: { concurency: 4 }'),
    /rotor\.yaml: worker: unknown key "concurency" \(did you mean "concurrency"\?\)/,
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

  it('takes the file from ROTOR_CONFIG when --config is not given', async () => {
    const file = join(dir, 'from-env.yaml');
    await writeFile(file, validConfig.replace('kind: huawei-cbh-admin', 'kind: nope'));
    const result = await runCli(['config', 'validate'], { ...env, ROTOR_CONFIG: file });
    expect(result.stderr).toContain(`${file}: targets[2].kind`);
    expect(result.code).toBe(2);
  });

  it('stops any command on a config problem with the same precise message and exit 2', async () => {
    const result = await runCli(['reconcile', 'iam-alice'], { VAULT_TOKEN: '' });
    expect(result.stderr).toContain(
      'config/rotor.yaml: vault.auth.token: environment variable VAULT_TOKEN is not set (and no default given)',
    );
    expect(result.code).toBe(2);
  });
});
