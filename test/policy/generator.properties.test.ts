import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { connectorKinds, type ConnectorKind } from '../../src/connectors/registry.js';
import {
  generatePassword,
  PolicyConflictError,
  validatePassword,
  type AccountPasswordPolicy,
  type EffectivePolicy,
  type EffectivePolicyInput,
  type PolicyConfigInput,
} from '../../src/policy/index.js';
import { effectivePolicy } from '../../src/connectors/kindPolicy.js';
import { connectorRules } from '../../src/connectors/registry.js';
import { accountPolicy, configuredPolicy, kind, PRINTABLE } from './arbitraries.js';

const NAME = 'p';

/** The policy, or the conflicts it was refused with. */
function tryPolicy(input: EffectivePolicyInput): EffectivePolicy | PolicyConflictError {
  try {
    return effectivePolicy(input);
  } catch (err) {
    if (err instanceof PolicyConflictError) return err;
    throw err;
  }
}

function input(
  configured?: PolicyConfigInput,
  k?: ConnectorKind,
  account?: AccountPasswordPolicy,
): EffectivePolicyInput {
  return {
    policyName: NAME,
    ...(configured === undefined ? {} : { configured }),
    ...(k === undefined ? {} : { kind: k }),
    ...(account === undefined ? {} : { accountPolicy: account }),
  };
}

/** Each rule set the effective policy intersects, checked on its own. */
function componentPolicies(configured: PolicyConfigInput, k?: ConnectorKind, account?: AccountPasswordPolicy) {
  const parts = [tryPolicy(input(configured))];
  // The hard floor, not the default one: a configured minimum may lower IAM's default 8 to 6.
  if (k !== undefined)
    parts.push(tryPolicy(input(undefined, k, { minimum_password_length: connectorRules[k].minLength })));
  if (account !== undefined) parts.push(tryPolicy(input(undefined, undefined, account)));
  return parts.filter((p): p is EffectivePolicy => !(p instanceof PolicyConflictError));
}

const RULE_WORDS = [
  /\blength \d+/,
  /\bminLength\b/,
  /\bmaxLength\b/,
  /\blower\b/,
  /\bupper\b/,
  /\bdigits\b/,
  /\bspecial\b/,
  /\bspecialChars\b/,
  /\bexclude\b/,
  /\bminClasses\b/,
  /\bmaxRun\b/,
  /\bminDiffFromOld\b/,
  /(huawei-[a-z-]+|http) (minimum|maximum|default minimum)/,
  /account password policy [a-z_]+/,
  /maximum length/,
];

/** How many rule names a message holds (one rule may clash with another of the same source). */
function ruleMentions(message: string): number {
  return RULE_WORDS.reduce((n, w) => n + (message.match(new RegExp(w.source, 'g'))?.length ?? 0), 0);
}

describe('generator properties', () => {
  it('every password generated for an accepted policy passes it and each rule set it intersects; every refusal names the rules', () => {
    fc.assert(
      fc.property(configuredPolicy, kind, accountPolicy, (configured, k, account) => {
        const policy = tryPolicy(input(configured, k, account));
        if (policy instanceof PolicyConflictError) {
          expect(policy.conflicts.length).toBeGreaterThan(0);
          for (const conflict of policy.conflicts) {
            expect(conflict.startsWith(`policy ${NAME}: `)).toBe(true);
            expect(ruleMentions(conflict)).toBeGreaterThanOrEqual(2);
          }
          return;
        }
        const parts = componentPolicies(configured, k, account);
        for (let i = 0; i < 3; i += 1) {
          const password = generatePassword(policy);
          expect(password).toHaveLength(policy.length);
          expect(validatePassword(password, policy)).toEqual([]);
          for (const part of parts) expect(validatePassword(password, part)).toEqual([]);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a password generated with a context avoids the old password, the history, the names and the contact', () => {
    const context = fc.record({
      name: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 3, maxLength: 10 }),
      mobile: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 11, maxLength: 11 }),
    });
    const roomy = fc
      .tuple(configuredPolicy, kind, accountPolicy)
      .map(([configured, k, account]) => tryPolicy(input(configured, k, account)))
      .filter(
        (p): p is EffectivePolicy => !(p instanceof PolicyConflictError) && p.alphabet.length >= 20 && p.length >= 8,
      );
    fc.assert(
      fc.property(roomy, context, (policy, { name, mobile }) => {
        const ctx = {
          oldPassword: generatePassword(policy),
          history: [generatePassword(policy), generatePassword(policy)],
          names: [name],
          email: `${name}@example.com`,
          mobile,
        };
        const password = generatePassword(policy, ctx);
        expect(validatePassword(password, policy, ctx)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  describe('impossible policies are refused up front, naming the rules', () => {
    const conflictsOf = (i: EffectivePolicyInput) => {
      const p = tryPolicy(i);
      return p instanceof PolicyConflictError ? p.conflicts : [];
    };

    it('a length beyond the target maximum', () => {
      fc.assert(
        fc.property(fc.constantFrom(...connectorKinds), fc.integer({ min: 1, max: 150 }), (k, over) => {
          const { maxLength } = connectorRules[k];
          const length = maxLength + over;
          expect(conflictsOf(input({ length }, k))).toContain(
            `policy ${NAME}: length ${length} exceeds ${k} maximum ${maxLength}`,
          );
        }),
      );
    });

    it('class minimums that do not fit in the length', () => {
      const count = fc.integer({ min: 0, max: 20 });
      const counts = fc.tuple(count, count, count, count);
      fc.assert(
        fc.property(counts, fc.integer({ min: 1, max: 40 }), ([lower, upper, digits, special], length) => {
          const sum = lower + upper + digits + special;
          fc.pre(sum > length);
          expect(conflictsOf(input({ length, lower, upper, digits, special }))).toContain(
            `policy ${NAME}: lower+upper+digits+special = ${sum} exceeds length ${length}`,
          );
        }),
      );
    });

    it('a required class whose every character is excluded', () => {
      const sets = { lower: 'abcdefghijklmnopqrstuvwxyz', upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', digits: '0123456789' };
      fc.assert(
        fc.property(
          fc.constantFrom('lower', 'upper', 'digits', 'special'),
          fc.integer({ min: 1, max: 4 }),
          kind,
          (cls, n, k) => {
            const exclude = cls === 'special' ? PRINTABLE.replace(/[a-zA-Z0-9]/g, '') : sets[cls];
            const conflicts = conflictsOf(input({ [cls]: n, exclude }, k));
            expect(conflicts.some((c) => c.startsWith(`policy ${NAME}: ${cls} ${n} but exclude removes every`))).toBe(
              true,
            );
          },
        ),
      );
    });

    it('more classes required than the allowed characters cover', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 3 }), (left) => {
          // No specials, `left` of the other three classes kept, none required, one class more asked for.
          const removed = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'].slice(0, 3 - left);
          const configured = {
            lower: 0,
            upper: 0,
            digits: 0,
            special: 0,
            specialChars: '',
            exclude: removed.join(''),
            minClasses: left + 1,
          };
          expect(conflictsOf(input(configured))).toContain(
            `policy ${NAME}: minClasses ${left + 1} needs ${left + 1} classes but exclude and specialChars leave ${left}`,
          );
        }),
      );
    });

    it('a range whose minimum exceeds its maximum', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 256 }), fc.integer({ min: 1, max: 255 }), (min, max) => {
          fc.pre(min > max);
          expect(conflictsOf(input({ minLength: min, maxLength: max }))).toContain(
            `policy ${NAME}: minLength ${min} exceeds maxLength ${max}`,
          );
        }),
      );
    });

    it('a run limit that a one-character alphabet cannot meet', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...PRINTABLE),
          fc.integer({ min: 2, max: 40 }),
          fc.integer({ min: 1, max: 39 }),
          (keep, length, maxRun) => {
            fc.pre(maxRun < length);
            const configured = {
              length,
              lower: 0,
              upper: 0,
              digits: 0,
              special: 0,
              maxRun,
              exclude: PRINTABLE.replace(keep, ''),
            };
            expect(conflictsOf(input(configured)).some((c) => c.includes(`maxRun ${maxRun} is too strict`))).toBe(true);
          },
        ),
      );
    });
  });
});
