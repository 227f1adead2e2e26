import type { RotateEvent, RotateSummary } from './rotateTargets.js';
import { formatDuration, runsAt } from './waitingNotice.js';

/**
 * "  2.5/s  ETA 1m 4s": rotations finished here per second since the start, and the time the rest take
 * at that rate (shown from the first second on). Targets done earlier (a resumed run) are left out of the rate: they took no time now.
 */
export function pace(processed: number, remaining: number, elapsedMs: number): string {
  // A rate over the first instant says nothing yet.
  if (processed <= 0 || elapsedMs < 1_000) return '';
  const perSecond = processed / (elapsedMs / 1000);
  const rate = perSecond >= 10 ? perSecond.toFixed(0) : perSecond >= 1 ? perSecond.toFixed(1) : perSecond.toFixed(2);
  const eta = remaining > 0 ? `  ETA ${formatDuration(Math.ceil(remaining / perSecond) * 1000)}` : '';
  return `  ${rate}/s${eta}`;
}

/**
 * `rotor rotate --wait` on a terminal: one bar redrawn in place, with each failure or dry-run
 * problem printed above it as it happens, and a summary line at the end.
 */
export function makeProgressBar(
  out: NodeJS.WritableStream,
  total: number,
  mode: { dryRun: boolean; wait: boolean },
  now: () => number = Date.now,
) {
  const { dryRun } = mode;
  // Without --wait there is nothing to watch: one line per queued target instead of a bar.
  const bar = mode.wait || dryRun;
  const started = now();
  const counts = { ok: 0, failed: 0, timedOut: 0, skipped: 0, problems: 0, retrying: 0 };
  let lastDraw = 0;
  let drawn = false;
  /** Per target, what last held its job (said once per cause, not at every re-park of a busy target). */
  const heldBy = new Map<string, string>();
  let noWorker = false;

  const line = () => {
    const finished = counts.ok + counts.failed + counts.timedOut + counts.skipped + counts.problems;
    const width = 30;
    const filled = total === 0 ? width : Math.round((finished / total) * width);
    const parts = [`ok ${counts.ok}`];
    if (counts.failed) parts.push(`failed ${counts.failed}`);
    if (counts.problems) parts.push(`problems ${counts.problems}`);
    if (counts.skipped) parts.push(`done earlier ${counts.skipped}`);
    if (counts.retrying) parts.push(`retries ${counts.retrying}`);
    const elapsedMs = now() - started;
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${total}  ${parts.join('  ')}  ${Math.round(elapsedMs / 1000)}s${pace(finished - counts.skipped, total - finished, elapsedMs)}`;
  };
  const draw = (force = false) => {
    if (!bar || (!force && now() - lastDraw < 100)) return;
    lastDraw = now();
    out.write(`\r\x1b[2K${line()}`);
    drawn = true;
  };
  const above = (text: string) => {
    out.write(`${drawn ? '\r\x1b[2K' : ''}${text}\n`);
    draw(true);
  };

  return {
    update(event: RotateEvent): void {
      switch (event.event) {
        case 'run':
          if (event.resumed) {
            above(
              `resuming run ${event.runId} (started ${event.startedAt}): ${event.alreadyDone} of ${event.targets} done`,
            );
          }
          break;
        case 'skipped':
          counts.skipped += 1;
          if (!bar) above(`${event.targetId}: ${event.why}`);
          break;
        case 'queued':
          if (!bar)
            above(
              `${event.targetId}: ${event.state === 'joined' ? 'joined the job in flight' : 'queued'} (job ${event.jobId})`,
            );
          break;
        case 'succeeded':
          counts.ok += 1;
          break;
        case 'failed':
          counts.failed += 1;
          above(`FAILED ${event.targetId}: ${event.error}`);
          break;
        case 'timeout': {
          counts.timedOut += 1;
          const why = event.waiting ? (heldBy.get(event.targetId) ?? event.waiting.code) : undefined;
          const detail = why
            ? `: ${why}, ${runsAt(event.waiting?.until ?? now(), now())}; the job stays queued`
            : noWorker && event.state === 'waiting'
              ? ': no worker took it; the job stays queued'
              : '';
          above(`TIMEOUT ${event.targetId} (job ${event.state})${detail}`);
          break;
        }
        case 'waiting':
          if (heldBy.get(event.targetId) !== event.why) {
            heldBy.set(event.targetId, event.why);
            above(`${event.targetId}: ${event.why}, ${runsAt(Date.parse(event.until), now())}`);
          }
          break;
        case 'no-worker':
          noWorker = true;
          above(event.message);
          break;
        case 'dry-run':
          if (event.report.ok) counts.ok += 1;
          else {
            counts.problems += 1;
            for (const problem of event.report.problems) above(`PROBLEM ${event.targetId}: ${problem}`);
          }
          break;
        case 'retrying':
          counts.retrying += 1;
          break;
        default:
          break;
      }
      draw();
    },
    finish(summary: RotateSummary): void {
      const what = dryRun ? 'dry run' : summary.runId ? `run ${summary.runId}` : 'rotation';
      if (!bar) {
        const resume = summary.runId ? '; the same command resumes the run' : '';
        out.write(`${what}: ${summary.queued} queued, not waited for (rotor status shows progress${resume})\n`);
        return;
      }
      draw(true);
      out.write('\n');
      const verdict = summary.ok ? 'all succeeded' : 'NOT all succeeded';
      const counted = dryRun
        ? `${summary.succeeded} passed, ${summary.problems} with problems`
        : `${summary.succeeded} rotated, ${summary.skipped} done earlier`;
      out.write(`${what}: ${verdict}: ${counted}, ${summary.failed} failed, ${summary.timedOut} timed out\n`);
    },
  };
}
