import { Misconfigured } from '../errors/index.js';
import { ASCII_PUNCTUATION, classNames, classWords, DIGITS, filterChars, LOWER, UPPER } from './charsets.js';
import type { ClassName } from './charsets.js';
import type { AccountPasswordPolicy, ConnectorPasswordRules } from './connectorRules.js';
import { maxRunFailureBound } from './entropy.js';
import { PolicyConflictError } from './errors.js';
import { DEFAULT_LENGTH, MAX_POLICY_LENGTH, policySchema } from './schema.js';
import type { PolicyConfig, PolicyConfigInput } from './schema.js';
import type { CharClass, EffectivePolicy } from './types.js';

export interface EffectivePolicyInput {
  /** The policy's key under `policies:`, for messages. */
  policyName?: string;
  /** Without one, only the connector's (and account's) rules apply. */
  configured?: PolicyConfigInput;
  /** The target's kind, for messages (`<kind> maximum 32`). */
  kind?: string;
  /**
   * The hard rules of the target's connector (its descriptor's `rules`). Without them, the policy
   * stands alone (e.g. `rotor policy generate` without `--target`).
   */
  rules?: ConnectorPasswordRules;
  /** IAM's account password policy, when the connector could read it. */
  accountPolicy?: AccountPasswordPolicy;
}

/** A numeric rule with the words that name it in a conflict message. */
interface Bound {
  value: number;
  what: string;
  /** True when it comes from the configured policy: "length 6 is below X" reads better than the reverse. */
  fromPolicy: boolean;
}

/** Above this chance of a draw breaking maxRun, the policy is refused: generation would mostly retry. */
const MAX_RUN_FAILURE_LIMIT = 0.5;

/**
 * Intersects the configured policy, the connector's hard rules and the account policy. Every pair of rules
 * that cannot hold together is collected and thrown at once as a `PolicyConflictError`, so a config check
 * reports all of them. Length: a fixed `length` is generated as is; a configured range is generated at its
 * maximum; with no length configured, 24 (or the class minimums' sum, if larger) clamped into the range.
 */
export function effectivePolicy(input: EffectivePolicyInput): EffectivePolicy {
  const name = input.policyName ?? (input.configured === undefined ? 'default' : 'unnamed');
  const cfg = parseConfigured(name, input.configured);
  const rules = input.rules;
  const kind = input.kind ?? '';
  const account = input.accountPolicy;
  const conflicts: string[] = [];

  const { minLength, maxLength, tightestHigh, topStated } = lengthRange(cfg, kind, rules, account, conflicts);

  const chars = classAlphabets(cfg, kind, rules, conflicts);
  const alphabet = classNames.map((c) => chars[c]).join('');
  if (alphabet === '') conflicts.push('exclude and specialChars leave no allowed character');

  // minClasses: the strictest source wins; the generator meets it by requiring one of each missing class.
  const classBounds: Bound[] = [];
  if (cfg !== undefined && cfg.minClasses > 0) classBounds.push(policyBound('minClasses', cfg.minClasses));
  if (rules !== undefined)
    classBounds.push(externalBound(`${kind} minimum of ${rules.minClasses} classes`, rules.minClasses));
  const accClasses = account?.password_char_combination;
  if (accClasses !== undefined) classBounds.push(accountBound('password_char_combination', accClasses));
  const minClasses = Math.max(0, ...classBounds.map((b) => b.value));
  const available = classNames.filter((c) => chars[c] !== '').length;
  for (const b of classBounds) {
    if (b.value > available)
      conflicts.push(`${b.what} needs ${b.value} classes but exclude and specialChars leave ${available}`);
  }
  const classes = requiredClasses(chars, cfg, minClasses);
  const required = classes.reduce((sum, c) => sum + c.required, 0);
  const declared = classes.reduce((sum, c) => sum + c.min, 0);

  // Fixed length as is; a configured range with a known top at that top; otherwise 24 (or the class
  // minimums' sum) clamped into whatever range the target and the account allow.
  const ranged = cfg?.minLength !== undefined || cfg?.maxLength !== undefined;
  const length =
    cfg?.length ?? (ranged && topStated ? maxLength : clamp(Math.max(DEFAULT_LENGTH, required), minLength, maxLength));
  const lengthBound = cfg?.length !== undefined ? policyBound('length', cfg.length) : tightestHigh;
  if (required > length) {
    const raised = required > declared ? ` once minClasses ${minClasses} adds the missing classes` : '';
    conflicts.push(`lower+upper+digits+special = ${required}${raised} exceeds ${lengthBound.what}`);
  }

  const diffBounds: Bound[] = [];
  if (cfg !== undefined && cfg.minDiffFromOld > 0) diffBounds.push(policyBound('minDiffFromOld', cfg.minDiffFromOld));
  if (rules !== undefined && rules.minDiffFromOld > 0) {
    diffBounds.push(
      externalBound(`${kind} minimum of ${rules.minDiffFromOld} changed characters`, rules.minDiffFromOld),
    );
  }
  for (const b of diffBounds) if (b.value > length) conflicts.push(`${b.what} exceeds ${lengthBound.what}`);

  const runBounds: Bound[] = [];
  if (cfg?.maxRun !== undefined) runBounds.push(policyBound('maxRun', cfg.maxRun));
  if (rules?.maxRun !== undefined) runBounds.push(externalBound(`${kind} maximum run ${rules.maxRun}`, rules.maxRun));
  const accRun = account?.maximum_consecutive_identical_chars;
  if (accRun !== undefined && accRun > 0) runBounds.push(accountBound('maximum_consecutive_identical_chars', accRun));
  const runBound = runBounds.reduce<Bound | undefined>(
    (best, b) => (best && best.value <= b.value ? best : b),
    undefined,
  );
  const maxRun = runBound?.value;
  // Only once the rest holds: the estimate assumes every required class has characters and fits.
  if (runBound !== undefined && conflicts.length === 0) {
    const failure = maxRunFailureBound({ classes, alphabet, length, maxRun });
    if (failure > MAX_RUN_FAILURE_LIMIT) {
      conflicts.push(
        `${runBound.what} is too strict for ${lengthBound.what} over ${alphabet.length} allowed characters` +
          ' (fewer than half of the generated passwords could pass)',
      );
    }
  }

  if (conflicts.length > 0) throw new PolicyConflictError([...new Set(conflicts)].map((c) => `policy ${name}: ${c}`));

  const mustNotContainNames =
    (cfg?.mustNotContainNames ?? true) ||
    (rules?.mustNotContainNames ?? false) ||
    account?.password_not_username_or_invert === true;
  return {
    name,
    ...(input.kind === undefined ? {} : { kind: input.kind }),
    length,
    minLength,
    maxLength,
    classes,
    alphabet,
    minClasses,
    ...(maxRun === undefined ? {} : { maxRun }),
    minDiffFromOld: Math.max(0, ...diffBounds.map((b) => b.value)),
    historyCount: Math.max(
      cfg?.historyCount ?? 0,
      rules?.historyCount ?? 0,
      account?.number_of_recent_passwords_disallowed ?? 0,
    ),
    mustNotContainNames,
    // The configured name rule also covers e-mail and mobile, "where the target config gives them".
    mustNotContainContact: mustNotContainNames || (rules?.mustNotContainContact ?? false),
  };
}

/**
 * The accepted length range. Every lower bound (configured length or minLength, the connector's minimum,
 * the account's minimum, IAM's default minimum when nobody states one) must not exceed any upper bound;
 * each pair that does is one conflict.
 */
function lengthRange(
  cfg: PolicyConfig | undefined,
  kind: string,
  rules: ConnectorPasswordRules | undefined,
  account: AccountPasswordPolicy | undefined,
  conflicts: string[],
) {
  const lows: Bound[] = [];
  const highs: Bound[] = [];
  if (cfg?.length !== undefined) {
    const fixed = policyBound('length', cfg.length);
    lows.push(fixed);
    highs.push(fixed);
  }
  if (cfg?.minLength !== undefined) lows.push(policyBound('minLength', cfg.minLength));
  if (cfg?.maxLength !== undefined) highs.push(policyBound('maxLength', cfg.maxLength));
  if (rules !== undefined) {
    lows.push(externalBound(`${kind} minimum ${rules.minLength}`, rules.minLength));
    highs.push(externalBound(`${kind} maximum ${rules.maxLength}`, rules.maxLength));
  }
  const accMin = account?.minimum_password_length;
  const accMax = account?.maximum_password_length;
  if (accMin !== undefined) lows.push(accountBound('minimum_password_length', accMin));
  // IAM reports 0 (or nothing) when the account sets no maximum.
  if (accMax !== undefined && accMax > 0) highs.push(accountBound('maximum_password_length', accMax));
  const minStated = cfg?.length !== undefined || cfg?.minLength !== undefined || accMin !== undefined;
  if (rules !== undefined && !minStated && rules.defaultMinLength > rules.minLength) {
    lows.push(externalBound(`${kind} default minimum ${rules.defaultMinLength}`, rules.defaultMinLength));
  }
  for (const lo of lows) {
    for (const hi of highs) {
      if (lo === hi || lo.value <= hi.value) continue;
      conflicts.push(
        hi.fromPolicy && !lo.fromPolicy ? `${hi.what} is below ${lo.what}` : `${lo.what} exceeds ${hi.what}`,
      );
    }
  }
  const tightestHigh = highs.reduce<Bound>(
    (best, b) => (b.value < best.value ? b : best),
    externalBound(`the maximum length ${MAX_POLICY_LENGTH}`, MAX_POLICY_LENGTH),
  );
  return {
    minLength: Math.max(1, ...lows.map((b) => b.value)),
    maxLength: tightestHigh.value,
    tightestHigh,
    topStated: highs.length > 0,
  };
}

/**
 * Each class's allowed characters: the configured choice, narrowed by the target's special set and by
 * `exclude`. A class with a minimum but no characters left is a conflict, named with its cause.
 */
function classAlphabets(
  cfg: PolicyConfig | undefined,
  kind: string,
  rules: ConnectorPasswordRules | undefined,
  conflicts: string[],
) {
  const excluded = cfg?.exclude ?? '';
  const targetSpecials = rules === undefined ? ASCII_PUNCTUATION : rules.specialChars;
  const wantedSpecials = cfg?.specialChars ?? targetSpecials;
  const keep = (c: string) => !excluded.includes(c);
  const chars: Record<ClassName, string> = {
    lower: filterChars(LOWER, keep),
    upper: filterChars(UPPER, keep),
    digits: filterChars(DIGITS, keep),
    special: filterChars(wantedSpecials, (c) => targetSpecials.includes(c) && keep(c)),
  };
  for (const cls of classNames) {
    const min = cfg?.[cls] ?? 0;
    if (min > 0 && chars[cls] === '') {
      conflicts.push(`${cls} ${min} but ${emptyClassCause(cls, cfg, kind, targetSpecials)}`);
    }
  }
  return chars;
}

/** A config's policy object is asked for at every rotation: validated once per object. */
const validated = new WeakMap<object, PolicyConfig>();

function parseConfigured(name: string, configured: PolicyConfigInput | undefined): PolicyConfig | undefined {
  if (configured === undefined) return undefined;
  const known = typeof configured === 'object' && configured !== null ? validated.get(configured) : undefined;
  if (known) return known;
  const parsed = policySchema.safeParse(configured);
  if (parsed.success) {
    if (typeof configured === 'object' && configured !== null) validated.set(configured, parsed.data);
    return parsed.data;
  }
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`);
  throw new Misconfigured(`policy ${name}: ${issues.join('; ')}`);
}

/**
 * Class minimums as configured, and what the generator places first: the minimums, plus one character of
 * each further class (in the order lower, upper, digits, special) until `minClasses` classes are covered.
 */
function requiredClasses(
  chars: Record<ClassName, string>,
  cfg: PolicyConfig | undefined,
  minClasses: number,
): CharClass[] {
  let covered = classNames.filter((c) => (cfg?.[c] ?? 0) > 0 && chars[c] !== '').length;
  return classNames.map((cls) => {
    const min = cfg?.[cls] ?? 0;
    let required = min;
    if (required === 0 && chars[cls] !== '' && covered < minClasses) {
      required = 1;
      covered += 1;
    }
    return { name: cls, chars: chars[cls], min, required };
  });
}

function emptyClassCause(cls: ClassName, cfg: PolicyConfig | undefined, kind: string, targetSpecials: string): string {
  if (cls !== 'special') return `exclude removes every one of the ${classWords[cls]}`;
  if (cfg?.specialChars === '') return 'specialChars is empty';
  if (cfg?.specialChars !== undefined && ![...cfg.specialChars].some((c) => targetSpecials.includes(c))) {
    return `no character of specialChars is allowed by ${kind}`;
  }
  return 'exclude removes every allowed special character';
}

function policyBound(field: string, value: number): Bound {
  return { value, what: `${field} ${value}`, fromPolicy: true };
}

function externalBound(what: string, value: number): Bound {
  return { value, what, fromPolicy: false };
}

function accountBound(field: string, value: number): Bound {
  return { value, what: `account password policy ${field} ${value}`, fromPolicy: false };
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(Math.max(value, lo), hi);
}
