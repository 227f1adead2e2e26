import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { sha256Lua } from '../../src/audit/appendScript.js';
import { connect } from './redisTestKit.js';

describe('the append script', () => {
  const redis = connect();
  afterAll(() => redis.disconnect());

  it('computes SHA-256 in Redis exactly as Node does, across the padding boundaries', async () => {
    const inputs = ['', 'abc', 'é✓ unicode'].concat(
      [55, 56, 57, 63, 64, 65, 119, 120, 135, 1000].map((n) => 'x'.repeat(n)),
    );
    const script = `${sha256Lua}\nlocal out = {}\nfor i = 1, #ARGV do out[i] = sha256(ARGV[i]) end\nreturn out`;
    const fromRedis = (await redis.eval(script, 0, ...inputs)) as string[];
    expect(fromRedis).toEqual(inputs.map((s) => createHash('sha256').update(s, 'utf8').digest('hex')));
  });
});
