import { describe, expect, it } from '@jest/globals';
import type { HeartbeatRequest } from '../../src/queue/heartbeatJob.js';
import type { HeartbeatRecord } from '../../src/rotation/heartbeatStore.js';
import { runHeartbeatSweep } from '../../src/scheduling/heartbeatSweep.js';
import { jitterOffsetMs } from '../../src/scheduling/jitter.js';
import { timingFor } from '../../src/scheduling/planRotation.js';
import { iamTarget, makeConfig } from './schedulingFixture.js';

const hour = 3_600_000;
const day = 24 * hour;
const now = Date.parse('2024-05-08T12:00:00Z'); // a Wednesday

describe('the heartbeat sweep', () => {
  const config = makeConfig({
    prefix: 'unused',
    targets: [
      iamTarget('never', { heartbeat: { every: '1d' } }),
      iamTarget('stale', { heartbeat: { every: '1d' } }),
      iamTarget('fresh', { heartbeat: { every: '1d' } }),
      iamTarget('off', { heartbeat: false }),
      iamTarget('default'),
      iamTarget('windowed', {
        heartbeat: { every: '12h' },
        jitter: '1h',
        maintenanceWindow: { days: ['sat'], start: '02:00', end: '04:00', tz: 'UTC' },
      }),
    ],
  });
  const last: Record<string, HeartbeatRecord> = {
    stale: { at: new Date(now - 25 * hour).toISOString(), result: 'verified' },
    fresh: { at: new Date(now - hour).toISOString(), result: 'verified' },
    off: { at: new Date(now - 30 * day).toISOString(), result: 'verified' },
  };

  async function sweep(scheduling: Parameters<typeof runHeartbeatSweep>[0]['scheduling']) {
    const asked: { targetId: string; request: HeartbeatRequest }[] = [];
    const result = await runHeartbeatSweep({
      targets: config.targets,
      scheduling,
      lastHeartbeat: async (id) => last[id],
      enqueue: async (targetId, request) => {
        asked.push({ targetId, request });
        return { targetId, jobId: `heartbeat.${targetId}`, state: 'added' };
      },
      timing: (t) => timingFor(t, { jitter: 0 }),
      now: () => now,
    });
    return { result, asked };
  }

  it('enqueues the targets whose last heartbeat is older than their interval, or that never had one', async () => {
    const { result, asked } = await sweep({});
    expect(asked.map((a) => a.targetId).sort()).toEqual(['never', 'stale', 'windowed']);
    expect(result.due).toBe(3);
    // Without a jitter of their own, heartbeats spread over a tenth of their interval.
    expect(result.enqueued.find((e) => e.targetId === 'never')?.delayMs).toBe(jitterOffsetMs('never', day / 10));
    // A window: the start waits for the next opening (Saturday 02:00), spread over the target's jitter.
    const windowed = result.enqueued.find((e) => e.targetId === 'windowed');
    const opens = Date.parse('2024-05-11T02:00:00Z');
    expect(now + (windowed?.delayMs ?? 0)).toBe(opens + jitterOffsetMs('windowed', hour));
    expect(asked[0]?.request).toMatchObject({ requestedBy: 'scheduler' });
  });

  it('gives every target the scheduling default, except those that turn it off', async () => {
    const { asked } = await sweep({ heartbeat: { every: 6 * hour } });
    expect(asked.map((a) => a.targetId).sort()).toEqual(['default', 'never', 'stale', 'windowed']);
  });
});
