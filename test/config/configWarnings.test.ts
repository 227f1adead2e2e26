import { describe, expect, it } from '@jest/globals';
import { parseConfigWithWarnings } from '../../src/config/loadConfig.js';
import { formatProblem } from '../../src/config/problems.js';
import { env, problemsOf, validConfig } from './fixtures.js';

function warningsOf(text: string): string[] {
  return parseConfigWithWarnings(text, 'config/rotor.yaml', env).warnings.map((w) => formatProblem(w, 'warning'));
}

describe('parseConfig warnings', () => {
  it('has none for the contract example', () => {
    expect(warningsOf(validConfig)).toEqual([]);
  });

  it('warns about a Vault token written in the file, without repeating it, and says to use ${VAULT_TOKEN}', () => {
    const warnings = warningsOf(validConfig.replace('token: "${VAULT_TOKEN}"', 'token: hvs.Written-In-The-File'));
    expect(warnings).toEqual([
      'config/rotor.yaml:5:33: warning: vault.auth.token: the Vault token is written in the file, where anyone who can read the file can use it: set VAULT_TOKEN in the environment and write token: "${VAULT_TOKEN}"',
    ]);
    expect(warnings.join('\n')).not.toContain('Written-In-The-File');
  });

  it('warns about an AppRole secret id and a webhook Authorization header written in the file', () => {
    const text = validConfig
      .replace(
        'auth: { method: token, token: "${VAULT_TOKEN}" }',
        'auth: { method: approle, roleId: rotor, secretId: s3cret-id-value }',
      )
      .replace(
        'worker: { concurrency: 4 }',
        'worker: { concurrency: 4 }\nalerts:\n  webhook: { url: https://hooks.example.com, headers: { Authorization: Bearer abc123 } }',
      );
    const warnings = warningsOf(text);
    expect(warnings).toEqual([
      expect.stringMatching(/^config\/rotor\.yaml:5:\d+: warning: vault\.auth\.secretId: .*secretIdFile/),
      expect.stringMatching(
        /^config\/rotor\.yaml:10:\d+: warning: alerts\.webhook\.headers\.Authorization: .*ROTOR_WEBHOOK_TOKEN/,
      ),
    ]);
    expect(warnings.join('\n')).not.toMatch(/s3cret-id-value|abc123/);
  });

  it.each([
    ['every 30d', 'schedule: { every: 30d }', '7d', 'every 30d'],
    [
      'a weekly cron',
      'schedule: { cron: "0 3 * * 0", tz: UTC }',
      '3d',
      'cron "0 3 * * 0" in UTC: up to 7d between rotations',
    ],
    [
      'a weekday cron, over the weekend',
      'schedule: { cron: "0 3 * * 1-5", tz: Europe/Berlin }',
      '2d',
      'cron "0 3 * * 1-5" in Europe/Berlin: up to 3d between rotations',
    ],
  ])('warns when maxAge is shorter than the time between rotations of %s', (_name, schedule, maxAge, described) => {
    const text = validConfig
      .replace('schedule: { cron: "0 3 * * 0", tz: UTC }', schedule)
      .replace('maxAge: 90d', `maxAge: ${maxAge}`);
    expect(warningsOf(text)).toEqual([
      `config/rotor.yaml:23:13: warning: targets[0]: maxAge ${maxAge} is shorter than its schedule (${described}): it will be overdue between rotations; make maxAge longer or the schedule more frequent`,
    ]);
  });

  it('does not warn when maxAge covers the time between rotations', () => {
    expect(warningsOf(validConfig.replace('maxAge: 90d', 'maxAge: 7d'))).toEqual([]);
    expect(
      warningsOf(validConfig.replace('schedule: { cron: "0 3 * * 0", tz: UTC }', 'schedule: { every: 30d }')),
    ).toEqual([]);
  });
});

describe('parseConfig and the Meeting account', () => {
  it('rejects an account without its domain name, which the Meeting API would refuse', () => {
    expect(problemsOf(validConfig.replace('account: bob@acme.com', 'account: bob'))).toEqual([
      'config/rotor.yaml:27:14: targets[1].account: expected the enterprise account with its domain name, e.g. bob@acme.com (the Meeting API refuses it without), got "bob"',
    ]);
  });
});
