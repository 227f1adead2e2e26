import { connectors, descriptorOf } from '../connectors/registry.js';
import type { WaitingReason } from '../queue/waitingReason.js';

/** What a user reads when nothing will run the jobs. */
export const noWorkerMessage = 'no worker is running: start `rotor worker` or `rotor run`';

/** "3d 4h", "4m 12s", "40s": the two largest units. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, ms);
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length === 0 && name === 's')) parts.push(`${n}${name}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** "10:42:13 UTC" on the same UTC day as `now`, else "2025-03-02 10:42:13 UTC". */
export function formatClock(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 19)} UTC`;
}

/** What holds the job, in the target's own terms (Meeting's cooldown, IAM's minimum password age). */
export function waitingCause(reason: Pick<WaitingReason, 'code' | 'message'>, target: { kind: string }): string {
  switch (reason.code) {
    case 'CooldownActive': {
      return descriptorOf(connectors, target.kind)?.cooldownNotice ?? "waiting for the target's cooldown";
    }
    case 'Throttled':
      return "throttled by the target's API: waiting out its rate limit";
    case 'TargetBusy':
      return 'another rotation of this target is in progress: waiting for it to end';
    default:
      return `waiting (${reason.code}: ${reason.message})`;
  }
}

/** "runs at 10:42:13 UTC (in 4m 12s)". */
export function runsAt(until: number, now = Date.now()): string {
  return `runs at ${formatClock(until, now)} (in ${formatDuration(until - now)})`;
}

/** "meet-u00: waiting for Meeting's 5-minute cooldown, runs at 10:42:13 UTC (in 4m 12s)". */
export function describeWaiting(reason: WaitingReason, target: { id: string; kind: string }, now = Date.now()): string {
  return `${target.id}: ${waitingCause(reason, target)}, ${runsAt(reason.until, now)}`;
}
