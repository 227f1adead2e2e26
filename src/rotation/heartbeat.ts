import { loadIssued } from './issuedCredential.js';
import { Misconfigured, TargetBusy } from '../errors/index.js';
import type { HeartbeatRecord, HeartbeatResult, HeartbeatStore } from './heartbeatStore.js';
import { currentAccountOf } from './alternating.js';
import type { RotationDeps } from './rotationContext.js';

/** What one heartbeat needs: the target's rotation deps (same connector, lock, status) and its record. */
export type HeartbeatDeps = Pick<
  RotationDeps,
  | 'target'
  | 'connector'
  | 'capabilities'
  | 'store'
  | 'acquireLock'
  | 'status'
  | 'alert'
  | 'audit'
  | 'logger'
  | 'alternating'
> & {
  heartbeats: HeartbeatStore;
  /** Told each heartbeat's result (`rotor_heartbeats_total{result}`). */
  countHeartbeat?: (result: HeartbeatResult) => void;
};

/** A heartbeat's result, as the job returns it and `rotor verify` prints it. */
export interface HeartbeatOutcome extends HeartbeatRecord {
  heartbeat: true;
  targetId: string;
}

/** The engine status code of a target whose stored password was refused by a heartbeat. */
export const driftedCode = 'Drifted';

/**
 * One heartbeat: log in with the password Vault holds, once, and say what that proves.
 * - A kind that cannot verify (CBH) says so; nothing is sent.
 * - It takes the target's rotation lock: never while a rotation of the target is in flight (busy →
 *   TargetBusy, the job waits), and never while a pending record says an earlier rotation did not
 *   finish (which password is live is then recovery's question, not a heartbeat's).
 * - No password is sent to a target that is out of sync (or drifted) until `rotor reconcile`, nor
 *   while its login guard reports recent refused logins (each is a lockout strike).
 * - A refusal stops at once, with no second try: the target is marked drifted (out of sync, so
 *   rotations stop too), audited, announced and alerted.
 */
export async function heartbeatTarget(deps: HeartbeatDeps, actor: string): Promise<HeartbeatOutcome> {
  const { target, connector, capabilities } = deps;
  if (!capabilities.canVerify) {
    return finish(
      deps,
      'unverifiable',
      capabilities.unverifiedReason ?? 'the API offers no way to verify this password',
    );
  }
  const lock = await deps.acquireLock();
  if (!lock) {
    throw new TargetBusy(`target ${target.id}: a rotation of this target is in progress; the heartbeat waits for it`);
  }
  try {
    // Read with the lock, in the same round trip.
    const status = lock.status;
    if (status?.state === 'out-of-sync') {
      const what = status.lastErrorCode === driftedCode ? 'drifted' : 'out of sync';
      return await finish(
        deps,
        'skipped',
        `${what} since ${status.since ?? status.lastAttemptAt ?? 'earlier'}: no login until rotor reconcile ${target.id}`,
      );
    }
    // Any kind's pending record; an issued credential's `retiring` one is past its promotion.
    const pendingStep = await deps.store.pendingStep(target.id);
    if (pendingStep !== null && pendingStep !== 'retiring') {
      return await finish(
        deps,
        'skipped',
        'a rotation of this target has not finished (pending record): its recovery decides which password is live',
      );
    }
    const guarded = [
      connector,
      ...(deps.alternating?.accountNames.map((n) => deps.alternating?.accountConnector(n)) ?? []),
    ];
    if (guarded.some((c) => c?.recentLoginRefusals?.())) {
      return await finish(deps, 'skipped', 'the login guard saw refused logins recently: no login until they age out');
    }
    if (connector.issuer) {
      // An issued credential (access key): a request signed with the key Vault holds.
      const held = await loadIssued(deps, connector.issuer);
      await lock.assertHeld();
      if (await connector.issuer.verify(held.credential)) return await verifiedOk(deps, actor);
      return await drifted(deps, actor, held.secret.version);
    }
    const secret = await deps.store.readSecret(target.secretPath);
    if (!secret || typeof secret.password !== 'string' || secret.password === '') {
      throw new Misconfigured(`target ${target.id}: the secret at ${target.secretPath} has no "password" field`);
    }
    // Alternating accounts: the login is the account the secret names (the one consumers use).
    const alternating = deps.alternating;
    const login = alternating
      ? alternating.accountConnector(currentAccountOf(secret, alternating.accountNames))
      : connector;
    await lock.assertHeld();
    if (await login.verify(secret.password)) return await verifiedOk(deps, actor);
    return await drifted(deps, actor, secret.version);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** The stored secret still logs in: audited, and the heartbeat record says when. */
async function verifiedOk(deps: HeartbeatDeps, actor: string): Promise<HeartbeatOutcome> {
  const at = new Date().toISOString();
  await deps.audit.append({
    type: 'heartbeat.checked',
    actor,
    targetId: deps.target.id,
    kind: deps.target.kind,
    outcome: 'ok',
  });
  return await finish(deps, 'verified', undefined, at);
}

async function drifted(deps: HeartbeatDeps, actor: string, version: number): Promise<HeartbeatOutcome> {
  const { target } = deps;
  const message = `target ${target.id}: the password stored in Vault (version ${version}) is refused by the target: changed outside rotor; run rotor reconcile ${target.id}`;
  // Out of sync, so that no rotation or heartbeat sends this password again before reconcile.
  await deps.status.failed(target.id, 'out-of-sync', driftedCode, message);
  await deps.audit.append({
    type: 'heartbeat.checked',
    actor,
    targetId: target.id,
    kind: target.kind,
    outcome: 'drifted',
    errorCode: driftedCode,
    detail: { refusedVersion: version },
  });
  await deps.alert({
    event: 'heartbeat.drifted',
    targetId: target.id,
    kind: target.kind,
    errorCode: driftedCode,
    message,
  });
  deps.logger.error({ errorCode: driftedCode, version }, 'heartbeat: the stored password is refused (drifted)');
  return finish(deps, 'drifted', message);
}

async function finish(
  deps: HeartbeatDeps,
  result: HeartbeatResult,
  message?: string,
  lastVerified?: string,
): Promise<HeartbeatOutcome> {
  const record: HeartbeatRecord = {
    at: new Date().toISOString(),
    result,
    ...(message ? { message } : {}),
    ...(lastVerified ? { lastVerified } : {}),
  };
  await deps.heartbeats.record(deps.target.id, record);
  deps.countHeartbeat?.(result);
  if (result !== 'drifted') deps.logger.info({ heartbeat: result, why: message }, `heartbeat ${result}`);
  const kept = lastVerified ?? (await deps.heartbeats.get(deps.target.id))?.lastVerified;
  return { heartbeat: true, targetId: deps.target.id, ...record, ...(kept ? { lastVerified: kept } : {}) };
}
