import { afterEach, describe, expect, it } from '@jest/globals';
import { startHuaweiSimulator, strictDocsFromEnv } from '../../src/dev/huaweiSimulator.js';

describe('the strict-docs switch', () => {
  const saved = process.env.ROTOR_SIM_STRICT_DOCS;
  afterEach(() => {
    if (saved === undefined) delete process.env.ROTOR_SIM_STRICT_DOCS;
    else process.env.ROTOR_SIM_STRICT_DOCS = saved;
  });

  it('reads ROTOR_SIM_STRICT_DOCS as 1/true or 0/false/unset, and names a bad value', () => {
    expect(strictDocsFromEnv({})).toBe(false);
    expect(strictDocsFromEnv({ ROTOR_SIM_STRICT_DOCS: '' })).toBe(false);
    expect(strictDocsFromEnv({ ROTOR_SIM_STRICT_DOCS: '1' })).toBe(true);
    expect(strictDocsFromEnv({ ROTOR_SIM_STRICT_DOCS: 'TRUE' })).toBe(true);
    expect(strictDocsFromEnv({ ROTOR_SIM_STRICT_DOCS: '0' })).toBe(false);
    expect(() => strictDocsFromEnv({ ROTOR_SIM_STRICT_DOCS: 'yes' })).toThrow(
      'ROTOR_SIM_STRICT_DOCS must be 1 or 0 (or true/false), found "yes"',
    );
  });

  it('defaults from the environment, and an explicit option wins over it', async () => {
    process.env.ROTOR_SIM_STRICT_DOCS = '1';
    const fromEnv = await startHuaweiSimulator();
    const explicit = await startHuaweiSimulator({ strictDocs: false });
    try {
      expect([fromEnv.strictDocs, explicit.strictDocs]).toEqual([true, false]);
    } finally {
      await Promise.all([fromEnv.close(), explicit.close()]);
    }
  });
});
