import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ComplianceReport } from '../audit/complianceReport.js';

/** How a rotation attempt ended, as counted by `rotor_rotations_total{outcome}`. */
export type RotationOutcomeLabel = 'succeeded' | 'failed' | 'retry_scheduled' | 'out_of_sync' | 'recovered' | 'skipped';

/** How a heartbeat ended, as counted by `rotor_heartbeats_total{result}`. */
export type HeartbeatResultLabel = 'verified' | 'drifted' | 'unverifiable' | 'skipped' | 'failed';

/** BullMQ job states reported by `rotor_queue_depth{state}`. */
export type QueueState = 'waiting' | 'active' | 'delayed' | 'failed' | 'completed' | 'paused' | 'prioritized';

export interface MetricsOptions {
  /** Also export Node.js process metrics (CPU, memory, event loop lag). @defaultValue true */
  defaultMetrics?: boolean;
  /** Read at every scrape to fill `rotor_queue_depth` (e.g. the rotate queue's `getJobCounts()`). */
  queueDepth?: () => Promise<Partial<Record<QueueState, number>>>;
}

/** The compliance report the gauges show; may be cached by the caller, since building one reads Vault. */
export type ComplianceSource = () => Promise<ComplianceReport>;

/**
 * prom-client's totals of active handles, requests and resources are gauges named `*_total`, which
 * Prometheus reserves for counters (`promtool check metrics` rejects them). The same figures stay
 * available, per type, in `nodejs_active_handles`, `nodejs_active_requests` and `nodejs_active_resources`.
 */
const misnamedDefaultMetrics = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export interface RotorMetrics {
  /** rotor's own registry (not prom-client's global one), served at `/metrics`. */
  registry: Registry;
  countRotation(kind: string, outcome: RotationOutcomeLabel): void;
  /** One heartbeat's result (`rotor_heartbeats_total{kind,result}`). Optional for stand-ins. */
  countHeartbeat?(kind: string, result: HeartbeatResultLabel): void;
  /** Duration of one step (`load`, `recover`, `prepare`, `commit`, `verify`, `finalize`) or of a whole rotation (`total`). */
  observeStep(kind: string, step: string, seconds: number): void;
  setOldestPasswordAge(kind: string, seconds: number): void;
  setTargetsOutOfSync(count: number): void;
  setQueueDepth(state: QueueState, count: number): void;
  /** Sets the age and out-of-sync gauges from a compliance report (what the scheduler's sweep computes). */
  recordCompliance(report: ComplianceReport): void;
  /**
   * Reads the compliance gauges from `source` at every scrape, so they hold figures from the first
   * scrape on. Set after construction because the source needs the rotor the metrics are given to.
   */
  complianceFrom(source: ComplianceSource): void;
}

/**
 * Label values must come from small fixed sets (kinds, steps, outcomes): a free-form value would
 * blow up cardinality and could carry something that must never leave the process.
 */
function label(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value) ? value : 'invalid';
}

export function makeMetrics(options: MetricsOptions = {}): RotorMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    // The event loop's delay sampled every 100 ms, not prom-client's 10: a timer waking the process
    // 100 times a second was 0.4 % of a core in an idle worker, half of all it spends idle.
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
    for (const name of misnamedDefaultMetrics) registry.removeSingleMetric(name);
  }

  const rotations = new Counter({
    name: 'rotor_rotations_total',
    help: 'Rotation attempts by connector kind and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'rotor_rotation_duration_seconds',
    help: 'Time spent in each rotation step (load, recover, prepare, commit, verify, finalize) and in the whole rotation (total), by connector kind.',
    labelNames: ['kind', 'step'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const heartbeats = new Counter({
    name: 'rotor_heartbeats_total',
    help: 'Heartbeats (a login with the password Vault holds) by connector kind and result: verified, drifted (refused: changed outside rotor), unverifiable (the kind has no login to check with), skipped (out of sync, rotation unfinished, recent refused logins), failed.',
    labelNames: ['kind', 'result'] as const,
    registers: [registry],
  });
  let compliance: ComplianceSource | undefined;
  // Both compliance gauges collect from one report per scrape; a failed read keeps the last figures.
  let collecting: Promise<void> | undefined;
  const collectCompliance = () =>
    (collecting ??= (async () => {
      const report = compliance ? await compliance().catch(() => undefined) : undefined;
      if (report) recordCompliance(report);
    })().finally(() => {
      collecting = undefined;
    }));
  const oldest = new Gauge({
    name: 'rotor_oldest_password_age_seconds',
    help: 'Age of the oldest managed password, by connector kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect: collectCompliance,
  });
  const outOfSync = new Gauge({
    name: 'rotor_targets_out_of_sync',
    help: 'Targets whose live password is unknown and wait for rotor reconcile.',
    registers: [registry],
    collect: collectCompliance,
  });
  const driftedTargets = new Gauge({
    name: 'rotor_targets_drifted',
    help: 'Targets whose stored password a heartbeat found refused (changed outside rotor); not compliant until rotor reconcile.',
    registers: [registry],
    collect: collectCompliance,
  });
  const neverRotated = new Gauge({
    name: 'rotor_targets_never_rotated',
    help: 'Targets rotor has not rotated yet (no rotated_at in Vault): they have no password age to report.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect: collectCompliance,
  });
  const queueDepth = options.queueDepth;
  const depth = new Gauge({
    name: 'rotor_queue_depth',
    help: 'Rotation jobs in the queue, by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      if (!queueDepth) return;
      // A scrape must not fail because Redis is slow: keep the last known figures instead.
      const counts = await queueDepth().catch(() => undefined);
      for (const [state, count] of Object.entries(counts ?? {})) {
        if (typeof count === 'number') this.set({ state: label(state) }, count);
      }
    },
  });
  outOfSync.set(0);
  driftedTargets.set(0);

  function recordCompliance(report: ComplianceReport): void {
    const byKind = new Map<string, number>();
    const unrotated = new Map<string, number>();
    for (const t of report.targets) {
      unrotated.set(t.kind, (unrotated.get(t.kind) ?? 0) + (t.ageMs === undefined ? 1 : 0));
      if (t.ageMs === undefined) continue;
      byKind.set(t.kind, Math.max(byKind.get(t.kind) ?? 0, t.ageMs / 1000));
    }
    oldest.reset();
    for (const [kind, seconds] of byKind) oldest.set({ kind: label(kind) }, seconds);
    // Every configured kind has a value from the first scrape, 0 included.
    neverRotated.reset();
    for (const [kind, count] of unrotated) neverRotated.set({ kind: label(kind) }, count);
    outOfSync.set(report.summary.byStatus['out-of-sync']);
    driftedTargets.set(report.summary.byStatus.drifted);
  }

  return {
    registry,
    countRotation: (kind, outcome) => rotations.inc({ kind: label(kind), outcome: label(outcome) }),
    countHeartbeat: (kind, result) => heartbeats.inc({ kind: label(kind), result: label(result) }),
    observeStep: (kind, step, seconds) => duration.observe({ kind: label(kind), step: label(step) }, seconds),
    setOldestPasswordAge: (kind, seconds) => oldest.set({ kind: label(kind) }, seconds),
    setTargetsOutOfSync: (count) => outOfSync.set(count),
    setQueueDepth: (state, count) => depth.set({ state: label(state) }, count),
    recordCompliance,
    complianceFrom(source) {
      compliance = source;
    },
  };
}
