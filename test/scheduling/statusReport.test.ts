import { describe, expect, it } from '@jest/globals';
import type { TargetConfig } from '../../src/config/schema.js';
import { assessStatus, noteOf, previousFiring, type StatusFacts } from '../../src/scheduling/statusReport.js';
import { iamTarget, makeConfig } from './schedulingFixture.js';

const day = 86_400_000;
const now = Date.parse('2024-05-08T12:00:00Z'); // a Wednesday

function target(extra: Record<string, unknown> = {}): TargetConfig {
  return makeConfig({ prefix: 'unused', targets: [iamTarget('t', extra)] }).targets[0] as TargetConfig;
}

function facts(over: Partial<StatusFacts>): StatusFacts {
  return { target: target({ maxAge: '30d' }), now, jitterMs: 0, ...over };
}

describe('assessStatus', () => {
  it('is ok within maxAge, with the next due time at the last success plus maxAge', () => {
    const row = assessStatus(facts({ rotatedAt: new Date(now - 10 * day) }));
    expect(row).toMatchObject({ state: 'ok', ageMs: 10 * day, maxAgeMs: 30 * day });
    expect(row.nextDue).toBe(new Date(now + 20 * day).toISOString());
  });

  it('is overdue past maxAge and due now', () => {
    const row = assessStatus(facts({ rotatedAt: new Date(now - 31 * day) }));
    expect(row.state).toBe('overdue');
    expect(row.nextDue).toBe(new Date(now).toISOString());
  });

  it('is never rotated without a rotated_at stamp in Vault', () => {
    expect(assessStatus(facts({})).state).toBe('never rotated');
  });

  it('is due while a rotation of the target is queued, with the job’s start as next due', () => {
    const row = assessStatus(
      facts({ rotatedAt: new Date(now - day), job: { state: 'delayed', runAt: now + 3_600_000, attemptsMade: 0 } }),
    );
    expect(row.state).toBe('due');
    expect(row.nextDue).toBe(new Date(now + 3_600_000).toISOString());
  });

  it('is due when its schedule fired after the last success, so a stopped scheduler shows', () => {
    // Sundays 03:00; the last firing was 2024-05-05, the last success the week before.
    const weekly = target({ schedule: { cron: '0 3 * * 0', tz: 'UTC' } });
    expect(previousFiring(weekly.schedule, now)).toBe(Date.parse('2024-05-05T03:00:00Z'));
    const stale = assessStatus({ target: weekly, now, jitterMs: 0, rotatedAt: new Date('2024-04-28T03:10:00Z') });
    expect(stale.state).toBe('due');
    const fresh = assessStatus({
      target: weekly,
      now,
      jitterMs: 0,
      rotatedAt: new Date('2024-05-05T03:10:00Z'),
      scheduleNext: Date.parse('2024-05-12T03:00:00Z'),
    });
    expect(fresh.state).toBe('ok');
    expect(fresh.nextDue).toBe('2024-05-12T03:00:00.000Z');
  });

  it('is failing when the engine says so, or when the last job failed after the last success', () => {
    const rotatedAt = new Date(now - day);
    const engine = { state: 'failing', lastError: 'AuthFailed: refused', lastAttemptAt: new Date(now).toISOString() };
    expect(assessStatus(facts({ rotatedAt, engine }))).toMatchObject({
      state: 'failing',
      lastError: 'AuthFailed: refused',
    });
    const job = { state: 'failed', finishedOn: now - 1000, failedReason: 'Unavailable: 503', attemptsMade: 8 };
    expect(assessStatus(facts({ rotatedAt, job }))).toMatchObject({ state: 'failing', lastError: 'Unavailable: 503' });
    // An old failure followed by a success is history, not a state.
    expect(assessStatus(facts({ rotatedAt, job: { ...job, finishedOn: now - 2 * day } })).state).toBe('ok');
  });

  it('puts out-of-sync above everything else', () => {
    const row = assessStatus(facts({ engine: { state: 'out-of-sync', lastError: 'neither password works' } }));
    expect(row.state).toBe('out-of-sync');
  });
});

describe('assessStatus with heartbeats', () => {
  const rotatedAt = new Date(now - day);

  it('is drifted when a heartbeat found the stored password refused, leading with the command that resolves it', () => {
    const row = assessStatus(
      facts({
        rotatedAt,
        engine: {
          state: 'out-of-sync',
          lastErrorCode: 'Drifted',
          lastError:
            'target t: the password stored in Vault (version 3) is refused by the target: changed outside rotor; run rotor reconcile t',
        },
        heartbeat: { at: new Date(now).toISOString(), result: 'drifted' },
      }),
    );
    expect(row.state).toBe('drifted');
    expect(noteOf(row, now)).toMatch(/^run rotor reconcile t: the password stored in Vault/);
  });

  it('shows when the stored password last logged in and the heartbeat interval', () => {
    const lastVerified = new Date(now - 3_600_000).toISOString();
    const row = assessStatus(
      facts({ rotatedAt, heartbeat: { at: lastVerified, result: 'verified', lastVerified }, heartbeatEveryMs: day }),
    );
    expect(row).toMatchObject({
      state: 'ok',
      lastVerified,
      heartbeat: { at: lastVerified, result: 'verified', everyMs: day },
    });
    expect(row.verifiable).toBeUndefined();
  });

  it('says that a kind without a login to check with cannot verify, instead of showing it verified', () => {
    const reason = 'CBH has no API to verify the admin password';
    const row = assessStatus(
      facts({
        rotatedAt,
        heartbeat: { at: new Date(now).toISOString(), result: 'unverifiable', message: reason },
        heartbeatEveryMs: day,
        unverifiedReason: reason,
      }),
    );
    expect(row).toMatchObject({ verifiable: false, unverifiedReason: reason });
    expect(row.lastVerified).toBeUndefined();
    expect(noteOf(row, now)).toBe(`cannot verify: ${reason}`);
  });

  it('counts an onboarded target’s next due from when its secret was written, not now', () => {
    const storedAt = new Date(now - 10 * day);
    const row = assessStatus(facts({ storedAt, heartbeat: { at: new Date(now).toISOString(), result: 'verified' } }));
    expect(row.state).toBe('never rotated');
    expect(row.nextDue).toBe(new Date(now + 20 * day).toISOString());
    expect(noteOf(row, now)).toContain('onboarded');
    // Without onboarding (not seen yet, or onboard: rotate) it is due now.
    expect(assessStatus(facts({})).nextDue).toBe(new Date(now).toISOString());
  });
});
