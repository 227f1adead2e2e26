import type { AuditEvent, AuditSink } from '../audit/types.js';
import type { TargetConfig } from '../config/schema.js';
import type { Connector, ConnectorCapabilities } from '../connectors/types.js';
import type { Logger } from '../observability/logger.js';
import type { RotationOutcomeLabel } from '../observability/metrics.js';
import type { AccountPasswordPolicy } from '../policy/index.js';
import type { SecretStore } from '../types/secretStore.js';
import type { Alerter } from './alerts.js';
import type { CredentialGate } from './credentialGate.js';
import type { PasswordMaker } from './makePasswordMaker.js';
import type { ProbeMemo } from './probeMemo.js';
import type { TargetLock } from './targetLock.js';
import type { TargetStatusStore } from './targetStatus.js';

/** Everything one rotation of one target needs; built per target by `makeRotor`. */
export interface RotationDeps {
  target: TargetConfig;
  connector: Connector;
  capabilities: ConnectorCapabilities;
  /** Why reconcile cannot reset this target's password without the old one; undefined when it can. */
  noAdminReset: string | undefined;
  /** Minimum time between two changes (Meeting: 5 minutes). */
  cooldownMs: number;
  store: SecretStore;
  makePassword: PasswordMaker;
  /** The account policy (IAM), cached for a while: it changes rarely and costs a request. */
  accountPolicy(): Promise<AccountPasswordPolicy | undefined>;
  /**
   * The account policy when it is known without a request (the kind reads none, or it was read within
   * its TTL); undefined when `accountPolicy()` would ask the target. Absent: always ask.
   */
  knownAccountPolicy?(): { value: AccountPasswordPolicy | undefined } | undefined;
  acquireLock(): Promise<TargetLock | undefined>;
  /** Ordering with operator credentials this target uses or is (credentialGate.ts); absent when neither. */
  credentialGate?: CredentialGate;
  probes: ProbeMemo;
  status: TargetStatusStore;
  alert: Alerter;
  audit: AuditSink;
  logger: Logger;
  /** Told how long each audited step took (`rotor_rotation_duration_seconds{step}`). */
  observeStep?: (step: string, seconds: number) => void;
  /** Told each attempt's outcome (`rotor_rotations_total{outcome}`). */
  countRotation?: (outcome: RotationOutcomeLabel) => void;
  /** Present for `strategy: alternating` targets (rotation/alternating.ts). */
  alternating?: AlternatingAccounts;
}

export interface AlternatingAccounts {
  /** The two account names, in config order. */
  accountNames: readonly [string, string];
  /** The connector that logs in as, and changes the password of, one account. */
  accountConnector(name: string): Connector;
  accounts: AccountsRecordStore;
}

/** rotor's record of both accounts' passwords, `{statePrefix}/accounts/{targetId}` (one field per account). */
export interface AccountsRecordStore {
  read(): Promise<{ passwords: Record<string, string>; version: number }>;
  /** Writes the whole record with check-and-set on `version` (0 = create); Conflict if it moved. */
  write(passwords: Record<string, string>, version: number): Promise<void>;
}

/** Who started this attempt and where it runs. */
export interface RotationAttempt {
  actor: string;
  jobId?: string;
  attempt?: number;
  reason?: string;
}

export interface RotationOutcome {
  rotationId: string;
  targetId: string;
  /** KV version of the secret now holding the live password. */
  version: number;
  verified: boolean;
  recovered: boolean;
  /** Work left for a job of its own after the success (retiring an issued credential's predecessor). */
  followUp?: { kind: 'retire'; afterMs: number };
}

type Detail = NonNullable<AuditEvent['detail']>;

/**
 * Audit helpers bound to one attempt, so each step is one readable line in the step machine. The audit
 * events mark the step boundaries, so they also time the steps: a step lasts from the previous boundary
 * to its own event (`load` covers lock and load, up to `rotation.started`).
 *
 * Events are stamped when they happen and kept until `flush()`, which appends them together, in order,
 * in one write: the step machine flushes before each change call (what led to a change is in the chain
 * before the change is sent) and before the attempt ends, success or failure.
 */
export function auditFor(deps: RotationDeps, run: RotationAttempt) {
  let boundary = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    deps.observeStep?.(step, (now - boundary) / 1000);
    boundary = now;
  };
  const base = {
    actor: run.actor,
    targetId: deps.target.id,
    kind: deps.target.kind,
    jobId: run.jobId,
    attempt: run.attempt,
  };
  const held: AuditEvent[] = [];
  return {
    event(type: AuditEvent['type'], rotationId: string | undefined, extra: Partial<AuditEvent> = {}): void {
      if (type === 'rotation.started') lap('load');
      // Object.assign, not `{ ...base, type, ... }`: V8 builds a spread followed by more members
      // through its slow path (≈ 2 µs an event here, 20 times the copy).
      held.push(Object.assign({}, base, { type, rotationId }, extra, { time: new Date().toISOString() }));
    },
    step(step: string, rotationId: string, detail?: Detail): void {
      lap(step);
      const time = new Date().toISOString();
      held.push(
        Object.assign(
          {},
          base,
          detail
            ? { type: 'rotation.step' as const, step, rotationId, detail, time }
            : { type: 'rotation.step' as const, step, rotationId, time },
        ),
      );
    },
    /** Appends the events held so far, in order and in one write; resolves when all are in the chain. */
    async flush(): Promise<void> {
      if (held.length === 0) return;
      const batch = held.splice(0);
      const written = await Promise.allSettled(batch.map((event) => deps.audit.append(event)));
      const failed = written.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

export type RotationAudit = ReturnType<typeof auditFor>;
