/** The four character classes a policy counts, in the order the generator and the messages use. */
export const classNames = ['lower', 'upper', 'digits', 'special'] as const;
export type ClassName = (typeof classNames)[number];

export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';
/** All 32 printable ASCII punctuation characters. Space is deliberately absent: no target documents it safely. */
export const ASCII_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** Human words for each class, used in messages. */
export const classWords: Record<ClassName, string> = {
  lower: 'lowercase letters',
  upper: 'uppercase letters',
  digits: 'digits',
  special: 'special characters',
};

/** Keeps the characters of `chars` (first occurrence, original order) that `keep` accepts. */
export function filterChars(chars: string, keep: (c: string) => boolean): string {
  let out = '';
  for (const c of chars) if (keep(c) && !out.includes(c)) out += c;
  return out;
}
