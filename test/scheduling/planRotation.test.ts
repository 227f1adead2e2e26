import { describe, expect, it, jest } from '@jest/globals';
import { maintenanceWindowSchema } from '../../src/config/schedulingSchema.js';
import { cooldownEnd, rotatedAtOf } from '../../src/scheduling/cooldown.js';
import { jitterOffsetMs } from '../../src/scheduling/jitter.js';
import { planRotation } from '../../src/scheduling/planRotation.js';

const minute = 60_000;
const now = Date.parse('2024-05-06T02:00:00Z');

describe('planRotation', () => {
  it('starts now when nothing stands in the way', () => {
    expect(planRotation({ targetId: 't', now, jitterMs: 0 })).toEqual({ runAt: now, delayMs: 0, why: [] });
  });

  it('adds the target’s fixed jitter offset', () => {
    const plan = planRotation({ targetId: 't', now, jitterMs: 30 * minute });
    expect(plan.delayMs).toBe(jitterOffsetMs('t', 30 * minute));
    expect(plan.why).toEqual(['jitter']);
  });

  it('waits for the end of a cooldown, and then for the window if the cooldown ends outside it', () => {
    const window = maintenanceWindowSchema.parse({ start: '01:00', end: '03:00' });
    expect(planRotation({ targetId: 't', now, jitterMs: 0, notBefore: now + 5 * minute, window })).toEqual({
      runAt: now + 5 * minute,
      delayMs: 5 * minute,
      why: ['cooldown'],
    });
    const late = planRotation({ targetId: 't', now, jitterMs: 0, notBefore: now + 90 * minute, window });
    expect(new Date(late.runAt).toISOString()).toBe('2024-05-07T01:00:00.000Z');
    expect(late.why).toEqual(['cooldown', 'window']);
  });

  it('delays, never fails, a rotation outside its window: it starts at the next opening', () => {
    const window = maintenanceWindowSchema.parse({ days: ['sat', 'sun'], start: '01:00', end: '03:00' });
    const plan = planRotation({ targetId: 't', now, jitterMs: 0, window }); // a Monday
    expect(new Date(plan.runAt).toISOString()).toBe('2024-05-11T01:00:00.000Z');
    expect(plan.delayMs).toBe(plan.runAt - now);
  });
});

describe('cooldownEnd', () => {
  it('is the last rotation plus the connector’s cooldown while that lies ahead (Meeting: 5 minutes)', async () => {
    const rotatedAt = new Date(now - 2 * minute);
    expect(await cooldownEnd({ cooldownMs: 5 * minute }, rotatedAt, now)).toBe(now + 3 * minute);
    expect(await cooldownEnd({ cooldownMs: 5 * minute }, new Date(now - 6 * minute), now)).toBeUndefined();
    expect(await cooldownEnd({ cooldownMs: 5 * minute }, undefined, now)).toBeUndefined();
  });

  it('uses IAM’s minimum password age when longer, and asks for it only after a recent rotation', async () => {
    const accountPolicy = jest.fn(async () => ({ minimum_password_age: 60 }));
    const recent = new Date(now - 10 * minute);
    expect(await cooldownEnd({ cooldownMs: 0, accountPolicy }, recent, now)).toBe(recent.getTime() + 60 * minute);
    expect(accountPolicy).toHaveBeenCalledTimes(1);
    // IAM allows at most 1,440 minutes, so a rotation two days ago cannot be in cooldown: no request.
    expect(await cooldownEnd({ cooldownMs: 0, accountPolicy }, new Date(now - 2 * 86_400_000), now)).toBeUndefined();
    expect(accountPolicy).toHaveBeenCalledTimes(1);
  });

  it('falls back to the connector’s cooldown when the account policy cannot be read', async () => {
    const accountPolicy = async () => {
      throw new Error('IAM unreachable');
    };
    const rotatedAt = new Date(now - minute);
    expect(await cooldownEnd({ cooldownMs: 5 * minute, accountPolicy }, rotatedAt, now)).toBe(now + 4 * minute);
  });

  it('reads rotated_at from custom_metadata, ignoring a missing or unreadable stamp', () => {
    expect(rotatedAtOf({ rotated_at: '2024-05-06T01:00:00.000Z' })).toEqual(new Date('2024-05-06T01:00:00.000Z'));
    expect(rotatedAtOf({ rotated_at: 'yesterday' })).toBeUndefined();
    expect(rotatedAtOf({})).toBeUndefined();
    expect(rotatedAtOf(undefined)).toBeUndefined();
  });
});
