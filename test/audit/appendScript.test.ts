import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { appendScript, auditKeys, sha256Lua } from '../../src/audit/appendScript.js';
import { genesisHash, linkHash } from '../../src/audit/chain.js';
import { connect, dropPrefix, testPrefix } from './redisTestKit.js';

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

  it("takes the writer's links only when the writer knew the head, and links the events itself otherwise", async () => {
    const prefix = testPrefix();
    const keys = auditKeys(prefix);
    const content = 'c'.repeat(64);
    // A link Redis would never compute: it shows which side linked the event.
    const writersLink = 'a'.repeat(64);
    const append = (expected: [string, string], link: string) =>
      redis.eval(appendScript, 2, keys.stream, keys.head, '0', '0', ...expected, '{"n":1}', content, link);
    const hashes = async () =>
      (await redis.xrange(keys.stream, '-', '+')).map(([, f]) => (JSON.parse(f[1] as string) as { hash: string }).hash);
    try {
      // Nothing known: Redis links.
      await append(['', ''], '');
      const first = linkHash(genesisHash, 1, content);
      // A stale expectation (another writer got in between): the writer's link is ignored.
      await append(['0', genesisHash], writersLink);
      const second = linkHash(first, 2, content);
      expect(await hashes()).toEqual([first, second]);
      // The head as it is: the writer's link is taken as sent.
      expect(await append(['2', second], writersLink)).toEqual(['3', writersLink, 0]);
      expect(await hashes()).toEqual([first, second, writersLink]);
      // A writer that knew the head but sent no link is refused before anything is written.
      await expect(append(['3', writersLink], '')).rejects.toThrow('audit: event 1 has no link hash');
      expect(await redis.xlen(keys.stream)).toBe(3);
    } finally {
      await dropPrefix(redis, prefix);
    }
  });
});
