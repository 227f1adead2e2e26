import type { ComplianceInput, LastRotation } from '../../src/audit/complianceReport.js';
import { reportTargetsOf, type ConfiguredTarget } from '../../src/audit/reportTargets.js';
import type { AuditEvent } from '../../src/audit/types.js';

/**
 * A fleet of `count` targets with 60 days of history, made by a seeded generator so every run sees
 * the same report: three kinds, tags by environment, region and team, max ages of 30, 60 and 90 days,
 * scheduled rotations with a few failures, some overdue, out of sync, failing and never rotated.
 * The report is then built by the real code (reportTargetsOf, buildComplianceReport).
 */
const d = 86_400_000;
export const largeNow = new Date('2025-06-30T12:00:00Z');

/** mulberry32: small, seeded, good enough to spread test data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const kinds = ['huawei-iam-user', 'huawei-meeting-user', 'huawei-cbh-admin'] as const;
const envs = ['prod', 'staging', 'dev'];
const regions = ['cn-north-4', 'ap-southeast-1', 'eu-west-101', 'la-south-2'];
const teams = Array.from({ length: 24 }, (_, i) => `team-${String(i + 1).padStart(2, '0')}`);

export function largeScenario(count: number, seed = 7): ComplianceInput {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const configured: ConfiguredTarget[] = [];
  const events: AuditEvent[] = [];
  const lastRotation = new Map<string, LastRotation | undefined>();
  const at = (ms: number) => new Date(ms).toISOString();

  for (let i = 0; i < count; i++) {
    const kind = kinds[i % 3] as (typeof kinds)[number];
    const id = `${kind.split('-')[1]}-${String(i).padStart(5, '0')}`;
    const maxAgeDays = pick([30, 60, 90]);
    configured.push({
      id,
      kind,
      tags: [pick(envs), pick(regions), pick(teams)],
      maxAge: maxAgeDays * d,
      policy: kind === 'huawei-iam-user' ? 'strong' : undefined,
      schedule: rnd() < 0.5 ? { cron: '0 3 * * 0', tz: 'UTC' } : { every: (maxAgeDays - 7) * d },
    });
    const fate = rnd();
    if (fate < 0.005) {
      lastRotation.set(id, undefined); // never rotated
      continue;
    }
    // Rotated every (maxAge - 7) days, starting at a random offset; an overdue one stopped 40+ days ago.
    const every = (maxAgeDays - 7) * d;
    const overdue = fate < 0.025;
    const stopAt = overdue ? largeNow.getTime() - (maxAgeDays + 1 + rnd() * 20) * d : largeNow.getTime();
    let t = largeNow.getTime() - 60 * d - rnd() * every;
    let last: { time: number; version: number } | undefined;
    for (let version = 1; t < stopAt; version++, t += every) {
      const time = t + rnd() * 3_600_000;
      if (rnd() < 0.03) {
        events.push({
          time: at(time),
          type: 'rotation.failed',
          actor: 'worker',
          targetId: id,
          kind,
          outcome: 'retry_scheduled',
          errorCode: 'Throttled',
        });
      }
      events.push({
        time: at(time + 60_000),
        type: 'rotation.succeeded',
        actor: 'worker',
        targetId: id,
        kind,
        detail: { version, verified: true },
      });
      last = { time: time + 60_000, version };
    }
    if (last) lastRotation.set(id, { rotatedAt: new Date(last.time), version: last.version });
    const late = largeNow.getTime() - rnd() * 5 * d;
    if (fate > 0.99) {
      events.push({
        time: at(late),
        type: 'rotation.failed',
        actor: 'worker',
        targetId: id,
        kind,
        outcome: 'failed',
        errorCode: pick(['AuthFailed', 'PolicyRejected', 'Unavailable']),
      });
    } else if (fate > 0.987) {
      events.push({
        time: at(late),
        type: 'rotation.out_of_sync',
        actor: 'worker',
        targetId: id,
        kind,
        errorCode: 'OutOfSync',
      });
    } else if (fate > 0.95) {
      events.push({
        time: at(late),
        type: 'rotation.requested',
        actor: 'cli:ops',
        targetId: id,
        detail: { reason: 'leaver' },
      });
    }
  }

  const { targets, policies } = reportTargetsOf(configured, {
    strong: { length: 24, lower: 2, upper: 2, digits: 2, special: 2, exclude: 'lIO0' },
  });
  return {
    targets,
    policies,
    events,
    lastRotation,
    now: largeNow,
    since: new Date(largeNow.getTime() - 30 * d),
    until: largeNow,
  };
}
