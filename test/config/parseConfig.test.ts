import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/loadConfig.js';
import { ConfigError } from '../../src/config/problems.js';
import { env, validConfig } from './fixtures.js';

function problemsOf(text: string, environment: NodeJS.ProcessEnv = env): string[] {
  try {
    parseConfig(text, 'config/rotor.yaml', environment);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('parseConfig', () => {
  it('accepts the contract example and fills defaults', () => {
    const config = parseConfig(validConfig, 'config/rotor.yaml', env);
    expect(config.targets.map((t) => t.id)).toEqual(['iam-alice', 'meeting-bob', 'cbh-prod']);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.vault.auth).toEqual({ method: 'token', token: 'hvs.test-token-value' });
    expect(config.targets[0]?.maxAge).toBe(90 * 86_400_000);
  });

  it('interpolates ${VAR} and ${VAR:-default} from the environment', () => {
    const config = parseConfig(validConfig, 'f.yaml', { ...env, ROTOR_REDIS_URL: 'redis://10.0.0.9:6380' });
    expect(config.redis.url).toBe('redis://10.0.0.9:6380');
    expect(config.vault.address).toBe('http://127.0.0.1:8200');
  });

  it('names an unset variable at the path that uses it', () => {
    const text = validConfig.replace('${VAULT_ADDR:-http://127.0.0.1:8200}', '${VAULT_ADDR}');
    expect(problemsOf(text, env)).toEqual([
      'config/rotor.yaml: vault.address: environment variable VAULT_ADDR is not set (and no default given)',
    ]);
  });

  it('names the kind a target should have, with what it found', () => {
    const text = validConfig.replace('kind: huawei-cbh-admin', 'kind: huawei-iam');
    expect(problemsOf(text)).toEqual([
      'config/rotor.yaml: targets[2].kind: expected one of huawei-iam-user | huawei-meeting-user | huawei-cbh-admin, got "huawei-iam"',
    ]);
  });

  it('reports every problem at once, not only the first', () => {
    const text = validConfig
      .replace('    secretPath: huawei/meeting/bob\n', '')
      .replace('0 3 * * 0', 'every sunday')
      .replace('userName: alice', 'userName: alice\n    usrName: alice')
      .replace('id: cbh-prod', 'id: iam-alice');
    expect(problemsOf(text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('targets[1].secretPath: expected string, got nothing'),
        expect.stringContaining('targets[0].schedule.cron: expected a cron expression'),
        'config/rotor.yaml: targets[0]: unknown key "usrName" (did you mean "userName"?)',
        'config/rotor.yaml: targets[2].id: expected a unique target id, got "iam-alice" (also targets[0].id)',
      ]),
    );
    expect(problemsOf(text)).toHaveLength(4);
  });

  it('points at the line and column of a YAML syntax error', () => {
    const [problem] = problemsOf('redis: { url: "x"\nvault: [');
    expect(problem).toMatch(/^config\/rotor\.yaml:\d+:\d+: YAML: /);
  });

  it('never echoes the value of a secret field back in an error', () => {
    const text = validConfig.replace('token: "${VAULT_TOKEN}"', 'token: 12345678');
    const problems = problemsOf(text).join('\n');
    expect(problems).toContain('vault.auth.token: expected string');
    expect(problems).not.toContain('12345678');
  });

  it('rejects a reference to a policy or credential that is not defined', () => {
    const text = validConfig
      .replace('policy: strong', 'policy: stronk')
      .replace('operator: cbh-operator', 'operator: cbh-op');
    const problems = problemsOf(text);
    expect(problems).toContain(
      'config/rotor.yaml: targets[0].policy: expected one of the policies defined under policies: (strong), got "stronk"',
    );
    expect(problems).toContain(
      'config/rotor.yaml: targets[2].operator: expected one of the credentials defined under credentials: (cbh-operator), got "cbh-op"',
    );
  });
});

describe('parseConfig and policies', () => {
  it('rejects a policy that a target of its kind can never satisfy, naming both rules', () => {
    const text = validConfig
      .replace('strong: { length: 24,', 'strong: { length: 40,')
      .replace('    secretPath: huawei/meeting/bob\n', '    secretPath: huawei/meeting/bob\n    policy: strong\n');
    const problems = problemsOf(text);
    expect(problems.some((p) => /policy strong: length 40 exceeds huawei-meeting-user maximum 32/.test(p))).toBe(true);
  });
});

describe('the shipped example config', () => {
  it('documents a config that validates as it stands', async () => {
    const { loadConfig } = await import('../../src/config/loadConfig.js');
    const config = await loadConfig('config/rotor.example.yaml', { VAULT_TOKEN: 'hvs.example' });
    expect(config.targets.map((t) => t.kind)).toEqual(['huawei-iam-user', 'huawei-meeting-user', 'huawei-cbh-admin']);
    expect(config.alerts.webhook?.url).toBe('https://hooks.example.com/rotor');
  });
});
