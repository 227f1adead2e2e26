import type { ClassName } from './charsets.js';

/** One character class of an effective policy. */
export interface CharClass {
  readonly name: ClassName;
  /** The allowed characters of this class (after specialChars, exclude and the target's set). */
  readonly chars: string;
  /** Minimum count a valid password holds (what the validator checks). */
  readonly min: number;
  /**
   * How many the generator places first: `min`, raised to 1 for enough classes to meet `minClasses`.
   * Kept apart from `min` so the validator still accepts any mix of classes the target accepts.
   */
  readonly required: number;
}

/** The intersection of a configured policy, a connector's hard rules and an account policy. */
export interface EffectivePolicy {
  /** The configured policy's name, for messages. */
  readonly name: string;
  readonly kind?: string;
  /** The length the generator produces. */
  readonly length: number;
  /** The range the validator accepts. */
  readonly minLength: number;
  readonly maxLength: number;
  /** lower, upper, digits, special — in that order. */
  readonly classes: readonly CharClass[];
  /** Every allowed character: the union of the classes' characters. */
  readonly alphabet: string;
  readonly minClasses: number;
  /** Longest run of one repeated character; undefined = no limit. */
  readonly maxRun?: number;
  readonly minDiffFromOld: number;
  readonly historyCount: number;
  readonly mustNotContainNames: boolean;
  readonly mustNotContainContact: boolean;
}

/** What the rules relative to the account need to know. All optional: a rule without its input is skipped. */
export interface PasswordContext {
  /** The password live on the target now. */
  oldPassword?: string;
  /** Earlier passwords, most recent first (the previous KV versions in Vault). */
  history?: string[];
  /** Account and user names that may not appear, forwards or reversed. */
  names?: string[];
  email?: string;
  mobile?: string;
}

/** The rule names a violation can carry: the policy fields, plus `alphabet` and `mustNotContainContact`. */
export type PolicyRule =
  | 'length'
  | 'alphabet'
  | ClassName
  | 'minClasses'
  | 'maxRun'
  | 'mustNotContainNames'
  | 'mustNotContainContact'
  | 'minDiffFromOld'
  | 'historyCount';

export interface PolicyViolation {
  rule: PolicyRule;
  /** Says which rule and by how much; never the password, never a name from the context. */
  message: string;
}
