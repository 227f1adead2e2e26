import { describe, expect, it } from '@jest/globals';
import { reportTargetsOf } from '../../src/audit/reportTargets.js';

const d = 86_400_000;

describe('reportTargetsOf', () => {
  const { targets, policies } = reportTargetsOf(
    [
      {
        id: 'iam-a',
        kind: 'huawei-iam-user',
        tags: ['prod'],
        maxAge: 90 * d,
        policy: 'strong',
        schedule: { cron: '0 3 * * 0', tz: 'UTC' },
      },
      { id: 'iam-b', kind: 'huawei-iam-user', policy: 'strong', schedule: { every: 30 * d } },
      { id: 'cbh-c', kind: 'huawei-cbh-admin' },
      { id: 'meet-d', kind: 'huawei-meeting-user', policy: 'tiny' },
    ],
    {
      strong: { length: 24, lower: 2, upper: 2, digits: 2, special: 2, specialChars: '!@#', exclude: 'lIO0' },
      tiny: { length: 4 },
    },
  );

  it('describes each target by id, kind, tags, max age, schedule in words and its effective policy key', () => {
    expect(targets).toEqual([
      {
        id: 'iam-a',
        kind: 'huawei-iam-user',
        tags: ['prod'],
        maxAge: 90 * d,
        policy: 'strong/huawei-iam-user',
        schedule: 'cron 0 3 * * 0 (UTC)',
      },
      {
        id: 'iam-b',
        kind: 'huawei-iam-user',
        tags: [],
        maxAge: undefined,
        policy: 'strong/huawei-iam-user',
        schedule: 'every 30d',
      },
      {
        id: 'cbh-c',
        kind: 'huawei-cbh-admin',
        tags: [],
        maxAge: undefined,
        policy: 'default/huawei-cbh-admin',
        schedule: undefined,
      },
      {
        id: 'meet-d',
        kind: 'huawei-meeting-user',
        tags: [],
        maxAge: undefined,
        policy: 'tiny/huawei-meeting-user',
        schedule: undefined,
      },
    ]);
  });

  it('gives each effective policy as lengths and class minimums, never a password', () => {
    expect(policies['strong/huawei-iam-user']).toEqual({
      name: 'strong',
      kind: 'huawei-iam-user',
      length: 24,
      minLength: 24,
      maxLength: 24,
      classes: { lower: 2, upper: 2, digits: 2, special: 2 },
      minClasses: expect.any(Number),
      minDiffFromOld: expect.any(Number),
      historyCount: expect.any(Number),
      mustNotContainNames: true,
      specialChars: '!@#',
    });
    expect(policies['default/huawei-cbh-admin']).toMatchObject({ name: 'default', length: 24 });
  });

  it('names the conflict when a policy cannot hold for a kind, instead of failing the report', () => {
    expect(policies['tiny/huawei-meeting-user']?.problem).toMatch(/^policy tiny: /);
  });
});
