import { describe, expect, it } from '@jest/globals';
import { connectorKinds } from '../../src/connectors/registry.js';
import { validatePassword, type AccountPasswordPolicy, type PasswordContext } from '../../src/policy/index.js';
import { effectivePolicy } from '../../src/connectors/kindPolicy.js';
import { connectorRules } from '../../src/connectors/registry.js';
import { MEETING_SPECIAL_CHARS } from '../../src/connectors/huawei-meeting-user/rules.js';

type Row = [password: string, ctx: PasswordContext, broken: string[]];

/** Checks a password against one connector's hard rules alone (no configured policy). */
function brokenRules(kind: (typeof connectorKinds)[number], row: Row, accountPolicy?: AccountPasswordPolicy) {
  const policy = effectivePolicy({ kind, ...(accountPolicy === undefined ? {} : { accountPolicy }) });
  return validatePassword(row[0], policy, row[1]).map((v) => v.rule);
}

const meeting: Row[] = [
  ['Abcdefg1', {}, []],
  ['abcdefgh1', {}, []],
  ['abc!def?', {}, []],
  ['12345678`', {}, []],
  ['ab\\c"d\'e|', {}, []],
  ['Aa1!'.repeat(8), {}, []],
  ['Abcdef1', {}, ['length']],
  ['Aa1!'.repeat(8) + 'x', {}, ['length']],
  ['abcdefgh', {}, ['minClasses']],
  ['!@#$%^&*', {}, ['minClasses']],
  ['abc def1', {}, ['alphabet']],
  ['abcdéfg1', {}, ['alphabet']],
  ['Aaaa1bcd', {}, ['maxRun']],
  ['Aab1bcdd', {}, []],
  ['xAlice12', { names: ['alice@acme.com', 'alice'] }, ['mustNotContainNames']],
  ['xECILA12', { names: ['alice'] }, ['mustNotContainNames']],
  ['Abcdef13', { oldPassword: 'Abcdef12' }, ['minDiffFromOld']],
  ['fedcbA21', { oldPassword: 'Abcdef12' }, ['minDiffFromOld']],
  ['Abcdef34', { oldPassword: 'Abcdef12' }, []],
  ['Abcdef34', { history: ['Zz123456', 'Abcdef34'] }, ['historyCount']],
  ['abcdefgh', { oldPassword: 'abcdefgh' }, ['minClasses', 'minDiffFromOld']],
];

const cbh: Row[] = [
  ['Huawei@123', {}, []],
  ['Aa1!Aa1!', {}, []],
  ['Zy9-'.repeat(8), {}, []],
  ['Huawei123', {}, ['minClasses']],
  ['huawei@123', {}, ['minClasses']],
  ['Hu@1', {}, ['length']],
  ['Huawei#12@', {}, ['alphabet']],
  ['Huawei#123', {}, ['alphabet', 'minClasses']],
  ['Huawei @123', {}, ['alphabet']],
  ['Hu@1'.repeat(8) + 'x', {}, ['length']],
];

const iam: Row[] = [
  ['IAMNewPassword@', {}, []],
  ['abcdef12', {}, []],
  ['ABCDEF!!', {}, []],
  ['abcdef1', {}, ['length']],
  ['abcdefgh', {}, ['minClasses']],
  ['abc def12', {}, ['alphabet']],
  ['xALICE@ACME.COMx1', { email: 'alice@acme.com' }, ['mustNotContainContact']],
  ['Pw13800138000x', { mobile: '+86 138-0013-8000' }, ['mustNotContainContact']],
  ['Pw8613800138000', { mobile: '0086-13800138000' }, ['mustNotContainContact']],
  ['IAMNewPassword@', { oldPassword: 'IAMNewPassword@' }, ['minDiffFromOld']],
  ['IAMNewPassword@', { oldPassword: 'IAMOriginalPassword@' }, []],
];

describe('connector hard rules', () => {
  it.each(meeting)('the huawei-meeting-user rules find that %j (context %j) breaks exactly %j', (...row) => {
    expect(brokenRules('huawei-meeting-user', row)).toEqual(row[2]);
  });

  it.each(cbh)('the huawei-cbh-admin rules find that %j (context %j) breaks exactly %j', (...row) => {
    expect(brokenRules('huawei-cbh-admin', row)).toEqual(row[2]);
  });

  it.each(iam)('the huawei-iam-user rules find that %j (context %j) breaks exactly %j', (...row) => {
    expect(brokenRules('huawei-iam-user', row)).toEqual(row[2]);
  });

  const account: AccountPasswordPolicy = {
    minimum_password_length: 6,
    maximum_password_length: 20,
    password_char_combination: 3,
    maximum_consecutive_identical_chars: 2,
    number_of_recent_passwords_disallowed: 3,
    password_not_username_or_invert: true,
  };
  const iamWithAccount: Row[] = [
    ['abcDE1', {}, []],
    ['abcde1', {}, ['minClasses']],
    ['abcD1', {}, ['length']],
    ['Abcdefghijklmnopqr1!', {}, []],
    ['Abcdefghijklmnopqrs1!', {}, ['length']],
    ['aaaBC1', {}, ['maxRun']],
    ['xBob12!', { names: ['bob'] }, ['mustNotContainNames']],
    ['Old#Pw3', { history: ['a', 'b', 'Old#Pw3'] }, ['historyCount']],
    ['Old#Pw3', { history: ['a', 'b', 'c', 'Old#Pw3'] }, []],
  ];
  it.each(iamWithAccount)(
    'the huawei-iam-user rules with an account password policy find that %j (context %j) breaks exactly %j',
    (...row) => {
      expect(brokenRules('huawei-iam-user', row, account)).toEqual(row[2]);
    },
  );

  it("Meeting's special set is the 32 characters its page lists, without space", () => {
    expect(new Set(MEETING_SPECIAL_CHARS).size).toBe(32);
    expect(MEETING_SPECIAL_CHARS).not.toContain(' ');
    expect([...MEETING_SPECIAL_CHARS].sort().join('')).toBe([...'`~!@#$%^&*()-_=+\\|[{}];:",\'<.>/?'].sort().join(''));
  });

  it('no connector lets space or a letter or digit into its special characters', () => {
    // An access key is issued by IAM: rotor generates nothing for it, and its rules allow no special at all.
    for (const kind of connectorKinds) expect(connectorRules[kind].specialChars).toMatch(/^[!-/:-@[-`{-~]*$/);
    expect(connectorKinds.filter((k) => connectorRules[k].specialChars === '')).toEqual(['huawei-iam-access-key']);
  });
});
