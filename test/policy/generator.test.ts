import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { generatePassword, MAX_ATTEMPTS, PolicyUnsatisfiable, validatePassword } from '../../src/policy/index.js';
import { effectivePolicy } from '../../src/connectors/kindPolicy.js';
import { isRotorError } from '../../src/errors/index.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const digitsOnly = effectivePolicy({
  policyName: 'pin',
  configured: {
    length: 8,
    lower: 0,
    upper: 0,
    special: 0,
    digits: 1,
    specialChars: '',
    exclude: LETTERS,
    minDiffFromOld: 4,
  },
});

describe('generatePassword', () => {
  it('produces the policy length from the allowed alphabet only', () => {
    const policy = effectivePolicy({ configured: { length: 24, exclude: 'lIO0' }, kind: 'huawei-cbh-admin' });
    for (let i = 0; i < 200; i += 1) {
      const password = generatePassword(policy);
      expect(password).toHaveLength(24);
      for (const c of password) expect(policy.alphabet).toContain(c);
    }
  });

  it('does not repeat itself', () => {
    const policy = effectivePolicy({ configured: { length: 12 } });
    const seen = new Set(Array.from({ length: 2000 }, () => generatePassword(policy)));
    expect(seen.size).toBe(2000);
  });

  it('meets the rules relative to the old password by drawing again, even over a small alphabet', () => {
    const oldPassword = '12345678';
    for (let i = 0; i < 200; i += 1) {
      const password = generatePassword(digitsOnly, { oldPassword });
      expect(validatePassword(password, digitsOnly, { oldPassword })).toEqual([]);
    }
  });

  it('fails with the rules that could not be met, and no secret or name in the message, when the context leaves no password', () => {
    // The old password holds every digit twice, so 8 digits have at most 6 characters it lacks (one digit
    // 8 times): minDiffFromOld 7 cannot be met. The name is there to check that it stays out of the message.
    const oldPassword = '00112233445566778899';
    const names = ['4477'];
    let error: unknown;
    try {
      generatePassword({ ...digitsOnly, minDiffFromOld: 7 }, { oldPassword, names });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyUnsatisfiable);
    const unsatisfiable = error as PolicyUnsatisfiable;
    expect(isRotorError(unsatisfiable, 'Misconfigured')).toBe(true);
    expect(unsatisfiable.rules).toContain('minDiffFromOld');
    expect(unsatisfiable.message).toContain(`policy pin: no password met`);
    expect(unsatisfiable.message).toContain(`in ${MAX_ATTEMPTS} attempts`);
    for (const secret of [oldPassword, ...names]) expect(unsatisfiable.message).not.toContain(secret);
  });

  it('draws every random number from the CSPRNG: no Math.random anywhere in the policy code', () => {
    const dir = new URL('../../src/policy/', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(sources).toContain('generator.ts');
    for (const file of sources) expect(readFileSync(new URL(file, dir), 'utf8')).not.toMatch(/Math\.random/);
    expect(readFileSync(new URL('generator.ts', dir), 'utf8')).toMatch(/import \{ randomInt \} from 'node:crypto'/);
  });
});
