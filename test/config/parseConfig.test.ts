import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/loadConfig.js';
import { env, problemsOf, validConfig } from './fixtures.js';

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

  it('reads a whole-scalar ${VAR} as a number or boolean where the field wants one, and only there', () => {
    const text = validConfig
      .replace('worker: { concurrency: 4 }', 'worker: { concurrency: "${C:-4}" }')
      .replace('userId: 3f1c0a', 'userId: "${ALICE_ID}"\n    insecureSkipVerify: ${INSECURE:-false}');
    const config = parseConfig(text, 'f.yaml', { ...env, ALICE_ID: '12345' });
    expect(config.worker.concurrency).toBe(4);
    expect(config.targets[0]?.insecureSkipVerify).toBe(false);
    // userId is text: an id made of digits stays text.
    expect(config.targets[0]).toMatchObject({ userId: '12345' });
    expect(parseConfig(text, 'f.yaml', { ...env, ALICE_ID: 'x', C: '32' }).worker.concurrency).toBe(32);
  });

  it('names a variable whose value is not the number its field wants, with the value and where it came from', () => {
    const text = validConfig.replace('worker: { concurrency: 4 }', 'worker: { concurrency: "${C:-abc}" }');
    expect(problemsOf(text)).toEqual([
      'config/rotor.yaml:8:24: worker.concurrency: expected number, got "abc" (from ${C:-abc})',
    ]);
    expect(problemsOf(text, { ...env, C: '0' })).toEqual([
      'config/rotor.yaml:8:24: worker.concurrency: expected number to be >=1, got number 0 (from ${C:-abc})',
    ]);
  });

  it('names an unset variable at the path that uses it', () => {
    const text = validConfig.replace('${VAULT_ADDR:-http://127.0.0.1:8200}', '${VAULT_ADDR}');
    expect(problemsOf(text, env)).toEqual([
      'config/rotor.yaml:4:12: vault.address: environment variable VAULT_ADDR is not set (and no default given)',
    ]);
  });

  it('names the kind a target should have, with what it found', () => {
    const text = validConfig.replace('kind: huawei-cbh-admin', 'kind: huawei-iam');
    expect(problemsOf(text)).toEqual([
      'config/rotor.yaml:30:11: targets[2].kind: expected one of huawei-iam-user | huawei-meeting-user | huawei-cbh-admin | http, got "huawei-iam"',
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
        'config/rotor.yaml:25:5: targets[1].secretPath: expected string, got nothing',
        expect.stringContaining('config/rotor.yaml:23:23: targets[0].schedule.cron: expected a cron expression'),
        'config/rotor.yaml:19:5: targets[0]: unknown key "usrName" (did you mean "userName"?)',
        'config/rotor.yaml:29:9: targets[2].id: expected a unique target id, got "iam-alice" (also targets[0].id)',
      ]),
    );
    expect(problemsOf(text)).toHaveLength(4);
  });

  it('refuses the target id audit-anchors: that state path holds the audit chain anchors', () => {
    expect(problemsOf(validConfig.replace('id: cbh-prod', 'id: audit-anchors'))).toEqual([
      `config/rotor.yaml:29:9: targets[2].id: expected another id: "audit-anchors" is reserved (the audit chain's anchors in Vault)`,
    ]);
  });

  it('points at the line and column of a YAML syntax error', () => {
    const [problem] = problemsOf('redis: { url: "x"\nvault: [');
    expect(problem).toMatch(/^config\/rotor\.yaml:\d+:\d+: YAML: /);
  });

  it('points at the line and column of a wrong value and says what it found', () => {
    expect(problemsOf(validConfig.replace('concurrency: 4', 'concurrency: 0'))).toEqual([
      'config/rotor.yaml:8:24: worker.concurrency: expected number to be >=1, got number 0',
    ]);
  });

  it('reports only the first error of a broken flow map, with where it was opened, not what follows from it', () => {
    const problems = problemsOf(validConfig.replace('  - id: meeting-bob', '  - { id: meeting-bob, b'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^config\/rotor\.yaml:25:11: YAML: .* \(the "\{" at 24:5 is never closed\); \d+ more YAML errors after it, most likely caused by this one/,
    );
  });

  it('reports each duplicate key by name, since the rest of the document still parses', () => {
    const text = validConfig
      .replace('  mount: secret\n', '  mount: secret\n  mount: kv\n')
      .replace('    userName: alice\n', '    userName: alice\n    userName: bob\n');
    expect(problemsOf(text)).toEqual([
      'config/rotor.yaml:7:3: YAML: Map keys must be unique: "mount" is given twice in this mapping',
      'config/rotor.yaml:20:5: YAML: Map keys must be unique: "userName" is given twice in this mapping',
    ]);
  });

  it('never echoes the value of a secret field back in an error', () => {
    const text = validConfig.replace('token: "${VAULT_TOKEN}"', 'token: 12345678');
    const problems = problemsOf(text).join('\n');
    expect(problems).toContain('vault.auth.token: expected string');
    expect(problems).not.toContain('12345678');
  });

  it('never echoes the value of a variable named like a secret, even put in the wrong field', () => {
    const text = validConfig.replace('concurrency: 4', 'concurrency: "${VAULT_TOKEN}"');
    expect(problemsOf(text)).toEqual([
      'config/rotor.yaml:8:24: worker.concurrency: expected number, got a value (hidden: it may be a secret) (from ${VAULT_TOKEN})',
    ]);
  });

  it('rejects a reference to a policy or credential that is not defined', () => {
    const text = validConfig
      .replace('policy: strong', 'policy: stronk')
      .replace('operator: cbh-operator', 'operator: cbh-op');
    const problems = problemsOf(text);
    expect(problems).toContain(
      'config/rotor.yaml:21:13: targets[0].policy: expected one of the policies defined under policies: (strong), got "stronk"',
    );
    expect(problems).toContain(
      'config/rotor.yaml:35:15: targets[2].operator: expected one of the credentials defined under credentials: (cbh-operator), got "cbh-op"',
    );
  });
});

const schedule = 'schedule: { cron: "0 3 * * 0", tz: UTC }';
const wrongValues: [string, string, string, string][] = [
  [
    'a cron of 4 fields',
    schedule,
    'schedule: { cron: "0 3 * *" }',
    'config/rotor.yaml:22:23: targets[0].schedule.cron: expected a cron expression like "0 3 * * 0" (5 fields: minute hour day-of-month month day-of-week; or 6 with seconds first), got "0 3 * *": it has 4 fields',
  ],
  [
    'a cron field out of range',
    schedule,
    'schedule: { cron: "61 * * * *" }',
    'config/rotor.yaml:22:23: targets[0].schedule.cron: expected a cron expression like "0 3 * * 0" (5 fields: minute hour day-of-month month day-of-week; or 6 with seconds first), got "61 * * * *": Constraint error, got value 61 expected range 0-59',
  ],
  [
    'a misspelt time zone',
    schedule,
    'schedule: { cron: "0 3 * * 0", tz: Europe/Berln }',
    'config/rotor.yaml:22:40: targets[0].schedule.tz: expected an IANA time zone like UTC or Europe/Berlin, got "Europe/Berln" (did you mean "Europe/Berlin"?)',
  ],
  [
    'cron and every together',
    schedule,
    'schedule: { cron: "0 3 * * 0", every: 30d }',
    'config/rotor.yaml:22:15: targets[0].schedule: give either cron (with tz) or every, not both',
  ],
  [
    'neither cron nor every',
    schedule,
    'schedule: { tz: UTC }',
    'config/rotor.yaml:22:15: targets[0].schedule: expected cron or every, e.g. { cron: "0 3 * * 0", tz: UTC } or { every: 30d }',
  ],
  [
    'every: 0d',
    schedule,
    'schedule: { every: 0d }',
    'config/rotor.yaml:22:24: targets[0].schedule.every: expected a positive duration like 30d, got "0d"',
  ],
  [
    'every: -5d',
    schedule,
    'schedule: { every: -5d }',
    'config/rotor.yaml:22:24: targets[0].schedule.every: expected a positive duration like 30d, got "-5d"',
  ],
  [
    'a duration without a unit',
    'maxAge: 90d',
    'maxAge: 90',
    'config/rotor.yaml:23:13: targets[0].maxAge: expected a duration with a unit (ms, s, m, h, d or w) like 30d, got number 90',
  ],
  [
    'an endpoint without a scheme',
    'endpoint: https://iam.myhuaweicloud.com',
    'endpoint: iam.myhuaweicloud.com',
    'config/rotor.yaml:16:15: targets[0].endpoint: expected a URL like https://host[:port] (http:// only for a local simulator), got "iam.myhuaweicloud.com" (no scheme: add https://)',
  ],
  [
    'a Redis URL of another scheme',
    'redis: { url: "${ROTOR_REDIS_URL:-redis://127.0.0.1:6379}"',
    'redis: { url: "http://127.0.0.1:6379"',
    'config/rotor.yaml:2:15: redis.url: expected a Redis URL like redis://host:6379 (rediss:// for TLS), got "http://127.0.0.1:6379"',
  ],
  [
    'a target id with a colon',
    'id: iam-alice',
    'id: "iam:alice"',
    'config/rotor.yaml:14:9: targets[0].id: expected letters, digits, ".", "_" and "-" (no ":"), 1-128 characters, got "iam:alice"',
  ],
  [
    'a jitter that is neither a duration nor milliseconds',
    '    maxAge: 90d\n',
    '    maxAge: 90d\n    jitter: true\n',
    'config/rotor.yaml:24:13: targets[0].jitter: expected a duration like 90d, 12h, 30m or 0, or a number of milliseconds, got boolean true',
  ],
];

describe('parseConfig on a wrong value', () => {
  it.each(wrongValues)(
    'says what is wrong with %s, echoes it and says what is expected',
    (_name, from, to, expected) => {
      expect(problemsOf(validConfig.replace(from, to))).toEqual([expected]);
    },
  );

  it('accepts a 6-field cron (seconds first) and a cron alias, with tz defaulting to UTC', () => {
    const config = parseConfig(validConfig.replace(schedule, 'schedule: { cron: "@weekly" }'), 'f.yaml', env);
    expect(config.targets[0]?.schedule).toEqual({ cron: '@weekly', tz: 'UTC' });
    const six = parseConfig(validConfig.replace('"0 3 * * 0"', '"0 0 3 * * 0"'), 'f.yaml', env);
    expect(six.targets[0]?.schedule).toEqual({ cron: '0 0 3 * * 0', tz: 'UTC' });
    const every = parseConfig(validConfig.replace(schedule, 'schedule: { every: 30d }'), 'f.yaml', env);
    expect(every.targets[0]?.schedule).toEqual({ every: 30 * 86_400_000 });
  });
});

describe('parseConfig and commented-out lines', () => {
  it('reads an optional key whose every line is commented out as absent, at any depth', () => {
    const text = validConfig
      .replace('worker: { concurrency: 4 }', 'worker: { concurrency: 4 }\nscheduling:\n  # jitter: 10m')
      .replace('    maxAge: 90d\n', '    maxAge: 90d\n    maintenanceWindow:\n      # start: "01:00"\n');
    const config = parseConfig(text, 'config/rotor.yaml', env);
    expect(config.scheduling.jitter).toBe(0);
    expect(config.targets[0]?.maintenanceWindow).toBeUndefined();
  });

  it('still requires a required section whose every line is commented out', () => {
    const text = validConfig.replace(/^vault:\n( {2}.*\n)+/m, 'vault:\n  # address: http://127.0.0.1:8200\n');
    expect(problemsOf(text).join('\n')).toContain('vault: expected object, got null');
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
    expect(config.targets.map((t) => t.kind)).toEqual([
      'huawei-iam-user',
      'huawei-meeting-user',
      'huawei-cbh-admin',
      'http',
    ]);
    expect(config.alerts.webhook?.url).toBe('https://hooks.example.com/rotor');
  });
});
