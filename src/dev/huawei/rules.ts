/**
 * The documented password rules, enforced by the simulator on its own (not through src/policy), so a
 * bug in rotor's validator shows up as a rejection here instead of being mirrored.
 */
export const meetingSpecials = '`~!@#$%^&*()-_=+\\|[{}];:",\'<.>/?';

export function charClasses(pwd: string, specials: string): number {
  let n = 0;
  if (/[a-z]/.test(pwd)) n++;
  if (/[A-Z]/.test(pwd)) n++;
  if (/[0-9]/.test(pwd)) n++;
  if ([...pwd].some((c) => specials.includes(c))) n++;
  return n;
}

/** Length of the longest run of one repeated character. */
export function longestRun(pwd: string): number {
  let best = 0;
  let run = 0;
  let prev = '';
  for (const c of pwd) {
    run = c === prev ? run + 1 : 1;
    prev = c;
    best = Math.max(best, run);
  }
  return best;
}

/** Positions at which two passwords differ, plus the length difference. */
export function differingChars(a: string, b: string): number {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}

/** IAM's `password_not_username_or_invert`: the password may not *be* the name or its reverse. */
export function isNameOrReverse(pwd: string, name: string): boolean {
  const p = pwd.toLowerCase();
  const n = name.toLowerCase();
  return p === n || p === [...n].reverse().join('');
}

export function containsNameOrReverse(pwd: string, name: string): boolean {
  if (!name) return false;
  const p = pwd.toLowerCase();
  const n = name.toLowerCase();
  return p.includes(n) || p.includes([...n].reverse().join(''));
}

/** Any printable ASCII that is not a letter, digit or space counts as special for IAM. */
export const iamSpecials = '~`!@#$%^&*()-_=+\\|[{}];:\'",<.>/? ';
