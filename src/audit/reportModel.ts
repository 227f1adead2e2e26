/**
 * The compliance report's model: one object that the JSON, CSV and HTML forms all render, so the three
 * never disagree. Its JSON form is published as docs/report.schema.json.
 */

/** Most severe first: a target has the first status that applies. */
export const complianceStatuses = [
  'out-of-sync',
  'drifted',
  'never-rotated',
  'overdue',
  'failing',
  'compliant',
] as const;
export type ComplianceStatus = (typeof complianceStatuses)[number];
export type ExceptionStatus = Exclude<ComplianceStatus, 'compliant'>;
export const exceptionStatuses = complianceStatuses.filter((s): s is ExceptionStatus => s !== 'compliant');

export const reportFormatId = 'rotor-compliance-report/2';

/** A target as the report sees it: ids and rules only, built from the config in one place (reportTargets). */
export interface ReportTarget {
  id: string;
  kind: string;
  tags?: readonly string[];
  /** Maximum password age in ms; without it a target cannot be overdue. */
  maxAge?: number;
  /** Key into the report's `policies` (the effective policy this target's passwords are generated to). */
  policy?: string;
  /** The schedule in words: `cron 0 3 * * 0 (UTC)` or `every 30d`. */
  schedule?: string;
}

/** The rules a target's passwords are generated to: lengths, class minimums, never a password. */
export interface PolicyEvidence {
  /** The policy's name under `policies:`, or `default` (the connector's own rules). */
  name: string;
  kind: string;
  length: number;
  minLength: number;
  maxLength: number;
  /** Minimum count per character class. */
  classes: { lower: number; upper: number; digits: number; special: number };
  minClasses: number;
  maxRun?: number;
  minDiffFromOld: number;
  historyCount: number;
  mustNotContainNames: boolean;
  /** The special characters that may appear. */
  specialChars: string;
  /** Set when the configured rules cannot all hold together (the config check names them too). */
  problem?: string;
}

export interface OnDemandRequest {
  time: string;
  actor: string;
  reason?: string;
}

export interface TargetCompliance {
  targetId: string;
  kind: string;
  tags: string[];
  status: ComplianceStatus;
  /** When the current status began: first unresolved failure, out-of-sync or drift; max age passed. */
  statusSince?: string;
  lastSuccess?: string;
  /** KV version holding the current password, when known. */
  version?: number;
  ageMs?: number;
  maxAgeMs?: number;
  policy?: string;
  schedule?: string;
  /** Rotations that succeeded within the period. */
  rotations: number;
  /** Failed attempts within the period (retries included). */
  failures: number;
  lastFailure?: { time: string; outcome?: string; errorCode?: string };
  /** Last time the new password was proven to log in. */
  lastVerified?: string;
  outOfSyncSince?: string;
  /** Last heartbeat (a login with the password Vault holds), when heartbeats are recorded. */
  lastHeartbeat?: { time: string; outcome: string };
  /** An access key's replaced key still in use at its maximum wait: kept by rotor (and alerted) since then. */
  oldKeyInUseSince?: string;
  onDemandRequests: OnDemandRequest[];
}

/** A target that needs someone's attention, with the facts an auditor asks first. */
export interface ReportException {
  targetId: string;
  kind: string;
  status: ExceptionStatus;
  since?: string;
  errorCode?: string;
  ageMs?: number;
  maxAgeMs?: number;
}

export interface OutcomeBucket {
  /** Start of the bucket (UTC date). */
  start: string;
  succeeded: number;
  failed: number;
  outOfSync: number;
}

/** Targets per password-age bin; `over` counts those past their own max age. */
export interface AgeRow {
  key: string;
  targets: number;
  within: number[];
  over: number[];
  neverRotated: number;
}

export interface ComplianceOverTime {
  bucketDays: number;
  /** One point per bucket end (the last one at the period's end). */
  points: Array<{ time: string; targets: number; compliant: number; share: number }>;
}

export type HistoryKind = 'request' | 'rotation' | 'failure' | 'recovery' | 'out-of-sync' | 'reconcile' | 'heartbeat';

export interface HistoryEntry {
  time: string;
  kind: HistoryKind;
  actor: string;
  outcome?: string;
  errorCode?: string;
  version?: number;
  verified?: boolean;
  reason?: string;
}

export interface TargetHistory {
  targetId: string;
  /** Newest first, within the period. */
  entries: HistoryEntry[];
  /** Entries of the period not shown (older ones beyond the limit). */
  leftOut: number;
}

export interface ChainEvidence {
  checked: boolean;
  intact?: boolean;
  /** The first problem found, as `rotor audit verify` words it. */
  problem?: string;
  head?: { seq: number; hash: string };
  events?: number;
  /** Seq of the last trimmed event (0 = the chain is kept from its start). */
  keptFrom?: number;
  anchors: AnchorEvidence;
}

export interface AnchorEvidence {
  status: 'ok' | 'mismatch' | 'missing' | 'none-yet' | 'not-checked';
  checked: number;
  latest?: { seq: number; hash: string; time: string; version: number };
  problems: string[];
}

export type FigureId =
  | 'share-compliant'
  | 'exceptions'
  | 'age-histogram'
  | 'compliance-over-time'
  | 'outcomes'
  | 'targets-table'
  | 'policies'
  | 'schedules'
  | 'history'
  | 'on-demand'
  | 'chain'
  | 'generator';

export interface ControlEvidence {
  framework: string;
  id: string;
  title: string;
  requirement: string;
  evidence: Array<{ figure: FigureId; shows: string }>;
}

export interface ComplianceReport {
  format: typeof reportFormatId;
  generatedAt: string;
  period: { since: string; until: string };
  generator: { rotorVersion: string; configDigest?: string };
  /** Set for `rotor audit report --target ID`: the report covers that target only. */
  scope?: { targetId: string };
  summary: {
    targets: number;
    compliant: number;
    /** compliant / targets (1 when there are no targets). */
    shareCompliant: number;
    byStatus: Record<ComplianceStatus, number>;
  };
  /** Every target that is not compliant, most severe first, then oldest first. */
  exceptions: ReportException[];
  distributions: {
    ageBins: Array<{ label: string; fromDays: number; toDays?: number }>;
    ageAll: AgeRow;
    ageByKind: AgeRow[];
    /** The tags with the most targets; `tagsLeftOut` says how many others there are. */
    ageByTag: AgeRow[];
    tagsLeftOut: number;
    complianceOverTime: ComplianceOverTime;
    /** Outcomes over time: one bucket per day (per week beyond 92 days). */
    outcomes: { bucketDays: number; buckets: OutcomeBucket[] };
  };
  targets: TargetCompliance[];
  policies: Record<string, PolicyEvidence>;
  /** Per-target history: for the exceptions (capped), or in full for `--target`. */
  history: { scope: 'exceptions' | 'target'; targets: TargetHistory[] };
  evidence: { chain: ChainEvidence; controls: ControlEvidence[] };
}
