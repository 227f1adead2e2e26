import { classWords } from './charsets.js';
import type { EffectivePolicy, PasswordContext, PolicyViolation } from './types.js';

/**
 * Every rule of `policy` that `password` breaks, by name; empty when it is valid. Rules relative to the
 * context (old password, names, contact, history) are checked only when the context gives their input.
 * Messages say which rule failed, never the password or the names it was compared with.
 */
export function validatePassword(
  password: string,
  policy: EffectivePolicy,
  ctx: PasswordContext = {},
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const chars = [...password];

  if (chars.length < policy.minLength || chars.length > policy.maxLength) {
    const range =
      policy.minLength === policy.maxLength
        ? `exactly ${policy.minLength}`
        : `${policy.minLength} to ${policy.maxLength}`;
    violations.push({ rule: 'length', message: `length must be ${range} characters` });
  }

  const counts = countClasses(chars, policy);
  if (counts.outside > 0) {
    violations.push({ rule: 'alphabet', message: `${counts.outside} character(s) are not in the allowed alphabet` });
  }
  let present = 0;
  for (const cls of policy.classes) {
    const n = counts.byClass.get(cls.name) ?? 0;
    if (n > 0) present += 1;
    if (n < cls.min) {
      violations.push({ rule: cls.name, message: `needs at least ${cls.min} ${classWords[cls.name]}` });
    }
  }
  if (present < policy.minClasses) {
    violations.push({ rule: 'minClasses', message: `needs characters from at least ${policy.minClasses} classes` });
  }

  if (policy.maxRun !== undefined && longestRun(chars) > policy.maxRun) {
    violations.push({
      rule: 'maxRun',
      message: `may not repeat one character more than ${policy.maxRun} time(s) in a row`,
    });
  }

  const lowered = password.toLowerCase();
  if (policy.mustNotContainNames && containsAny(lowered, namesAndReversed(ctx.names ?? []))) {
    violations.push({ rule: 'mustNotContainNames', message: 'contains an account name or its reverse' });
  }
  if (policy.mustNotContainContact && containsAny(lowered, contactStrings(ctx))) {
    violations.push({ rule: 'mustNotContainContact', message: 'contains the e-mail address or mobile number' });
  }

  if (policy.minDiffFromOld > 0 && ctx.oldPassword !== undefined) {
    if (newCharacterCount(password, ctx.oldPassword) < policy.minDiffFromOld) {
      violations.push({
        rule: 'minDiffFromOld',
        message: `needs at least ${policy.minDiffFromOld} character(s) not found in the old password`,
      });
    }
  }

  if (policy.historyCount > 0 && ctx.history !== undefined) {
    if (ctx.history.slice(0, policy.historyCount).includes(password)) {
      violations.push({
        rule: 'historyCount',
        message: `equals one of the last ${policy.historyCount} passwords`,
      });
    }
  }
  return violations;
}

function countClasses(chars: string[], policy: EffectivePolicy) {
  const byClass = new Map<string, number>();
  let outside = 0;
  for (const c of chars) {
    const cls = policy.classes.find((k) => k.chars.includes(c));
    if (cls === undefined) outside += 1;
    else byClass.set(cls.name, (byClass.get(cls.name) ?? 0) + 1);
  }
  return { byClass, outside };
}

/** Length of the longest run of one repeated character. */
export function longestRun(chars: readonly string[]): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < chars.length; i += 1) {
    run = i > 0 && chars[i] === chars[i - 1] ? run + 1 : 1;
    if (run > longest) longest = run;
  }
  return longest;
}

/**
 * How many characters of `next` find no partner in `old`, pairing identical characters one to one.
 * It never exceeds the position-wise or the edit distance, so it is the strictest reading of
 * "differs from the old password in at least N characters": a reordering of the old password counts 0.
 */
export function newCharacterCount(next: string, old: string): number {
  const pool = new Map<string, number>();
  for (const c of old) pool.set(c, (pool.get(c) ?? 0) + 1);
  let unmatched = 0;
  for (const c of next) {
    const left = pool.get(c) ?? 0;
    if (left > 0) pool.set(c, left - 1);
    else unmatched += 1;
  }
  return unmatched;
}

function namesAndReversed(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const n = name.trim().toLowerCase();
    if (n === '') continue;
    out.push(n, [...n].reverse().join(''));
  }
  return out;
}

function contactStrings(ctx: PasswordContext): string[] {
  const out: string[] = [];
  const email = ctx.email?.trim().toLowerCase();
  if (email) out.push(email);
  const mobile = ctx.mobile?.trim();
  if (mobile) {
    out.push(mobile.toLowerCase());
    // "+86 138-0013-8000" or "0086-13800138000" shows up in a password as bare digits, with or without
    // the country code: refuse the digits, and the digits without up to 4 leading ones (keeping ≥ 6).
    const digits = mobile.replace(/\D/g, '');
    for (let drop = 0; drop <= 4 && digits.length - drop >= 6; drop += 1) out.push(digits.slice(drop));
  }
  return out;
}

function containsAny(haystack: string, needles: readonly string[]): boolean {
  return needles.some((n) => haystack.includes(n));
}
