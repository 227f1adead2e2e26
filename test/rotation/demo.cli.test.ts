import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { runCli } from '../helpers/runCli.js';
import { redisUrl } from '../helpers/rotorFixture.js';

describe('rotor demo (npm start)', () => {
  it('rotates the demo target on each run and leaves no Redis keys behind', async () => {
    const redis = new Redis(redisUrl);
    try {
      for (let run = 0; run < 2; run++) {
        const result = await runCli(['demo']);
        expect(result.stdout).toMatch(/rotated iam-alice: the simulator's live password changed and equals Vault's/);
        expect(result.code).toBe(0);
        const prefix = /on (rotor-demo-[0-9a-f]+):rotate/.exec(result.stdout)?.[1];
        expect(prefix).toBeDefined();
        expect(await redis.keys(`${prefix}:*`)).toEqual([]);
      }
    } finally {
      redis.disconnect();
    }
  });

  it('says how to start Redis when nothing answers, and exits 1', async () => {
    const result = await runCli(['demo', '--redis', 'redis://127.0.0.1:1']);
    expect(result.stderr).toContain('Redis does not answer at redis://127.0.0.1:1');
    expect(result.stderr).toContain('redis-server --daemonize yes');
    expect(result.code).toBe(1);
  });
});
