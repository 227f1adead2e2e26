import { randomUUID } from 'node:crypto';
import type { AuditSink } from '../audit/types.js';
import type { TargetConfig } from '../config/schema.js';
import type { Connector, ConnectorCapabilities } from '../connectors/types.js';
import type { Logger } from '../observability/logger.js';
import type { SecretStore, SecretVersion } from '../secrets/types.js';
import { Misconfigured, OutOfSync, PolicyRejected } from './errors.js';

/** Produces a password that satisfies the target's effective policy, given the old one and history. */
export type PasswordMaker = (ctx: { oldPassword: string; history: string[] }) => string;

export interface RotationDeps {
  target: TargetConfig;
  connector: Connector;
  capabilities: ConnectorCapabilities;
  store: SecretStore;
  makePassword: PasswordMaker;
  audit: AuditSink;
  logger: Logger;
  /** How many older KV versions count as password history (the policy's `historyCount`). */
  historyCount?: number;
}

export interface RotationRun {
  jobId?: string;
  attempt?: number;
  actor: string;
}

export interface RotationOutcome {
  rotationId: string;
  targetId: string;
  /** KV version of the secret now holding the live password. */
  version: number;
  verified: boolean;
  recovered: boolean;
}

/**
 * One rotation of one target: load → (recover | prepare) → commit → verify → finalize.
 * The invariant: the live password can always be read from Vault — the pending record is written
 * before the change call, and the secret is promoted only after the change succeeded.
 */
export async function rotateTarget(deps: RotationDeps, run: RotationRun): Promise<RotationOutcome> {
  const { target, connector, store, audit } = deps;
  const base = { actor: run.actor, targetId: target.id, kind: target.kind, jobId: run.jobId, attempt: run.attempt };
  const step = (name: string, detail?: Record<string, string | number | boolean>) =>
    audit.append({ ...base, type: 'rotation.step', step: name, rotationId, detail });
  const started = Date.now();

  // load
  const current = await loadCurrent(store, target);
  const pending = await store.readPending(target.id);
  let rotationId = pending?.record.rotation_id ?? randomUUID();
  await audit.append({ ...base, type: 'rotation.started', rotationId, detail: { resume: pending !== null } });

  if (pending) {
    // recover: an earlier attempt stopped after writing its pending record. Probe the pending password
    // first (the likelier live one after a crash), then the current one: one probe each, never more.
    if (await connector.verify(pending.record.password)) {
      await step('recover', { live: 'pending' });
      const version = await finalize(deps, current, pending.record.password, rotationId);
      await audit.append({ ...base, type: 'rotation.recovered', rotationId, outcome: 'finalized-pending' });
      return succeed(
        deps,
        base,
        { rotationId, targetId: target.id, version, verified: true, recovered: true },
        started,
      );
    }
    if (!(await connector.verify(current.password))) {
      await audit.append({ ...base, type: 'rotation.out_of_sync', rotationId, errorCode: 'OutOfSync' });
      throw new OutOfSync(`target ${target.id}: neither the pending nor the current password is accepted`);
    }
    await step('recover', { live: 'current' });
    await store.deletePending(target.id);
    rotationId = randomUUID();
  }

  // prepare
  const history = deps.historyCount ? await store.passwordHistory(target.secretPath, deps.historyCount) : [];
  const newPassword = deps.makePassword({ oldPassword: current.password, history });
  await store.writePending(
    target.id,
    {
      password: newPassword,
      rotation_id: rotationId,
      started_at: new Date().toISOString(),
      step: 'prepared',
      from_version: current.version,
    },
    0,
  );
  await step('prepare');

  // commit
  try {
    await connector.change({ oldPassword: current.password, newPassword });
  } catch (err) {
    // A refusal means the target kept the old password: the pending record would only mislead recovery.
    if (err instanceof Error && (err.name === 'TargetUnchanged' || err.name === 'PolicyRejected')) {
      await store.deletePending(target.id);
    }
    throw err;
  }
  await step('commit');

  // verify
  let verified = false;
  if (deps.capabilities.canVerify) {
    verified = await connector.verify(newPassword);
    if (!verified) {
      // Accepted but not live: leave the pending record; the next attempt's recovery probes both.
      throw new PolicyRejected(`target ${target.id}: the change was accepted but the new password does not log in`);
    }
    await step('verify', { verified: true });
  } else {
    await step('verify', { verified: false, reason: 'the API offers no way to verify this password' });
  }

  const version = await finalize(deps, current, newPassword, rotationId);
  return succeed(deps, base, { rotationId, targetId: target.id, version, verified, recovered: false }, started);
}

async function loadCurrent(store: SecretStore, target: TargetConfig): Promise<SecretVersion & { password: string }> {
  const secret = await store.readSecret(target.secretPath);
  if (!secret || typeof secret.password !== 'string' || secret.password === '') {
    throw new Misconfigured(
      `target ${target.id}: the secret at ${target.secretPath} has no "password" field; seed it with the current password first`,
    );
  }
  return secret as SecretVersion & { password: string };
}

async function finalize(
  deps: RotationDeps,
  current: SecretVersion,
  password: string,
  rotationId: string,
): Promise<number> {
  const version = await deps.store.promote(deps.target.secretPath, {
    password,
    cas: current.version,
    rotationId,
    targetId: deps.target.id,
    rotatedAt: new Date(),
  });
  await deps.store.deletePending(deps.target.id);
  return version;
}

async function succeed(
  deps: RotationDeps,
  base: Record<string, string | number | undefined>,
  outcome: RotationOutcome,
  started: number,
): Promise<RotationOutcome> {
  await deps.audit.append({
    ...base,
    actor: String(base.actor),
    type: 'rotation.succeeded',
    rotationId: outcome.rotationId,
    outcome: 'succeeded',
    durationMs: Date.now() - started,
    detail: { version: outcome.version, verified: outcome.verified, recovered: outcome.recovered },
  });
  deps.logger.info(
    { targetId: outcome.targetId, rotationId: outcome.rotationId, version: outcome.version },
    'rotation succeeded',
  );
  return outcome;
}
