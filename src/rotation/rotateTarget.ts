import { withLockedAttempt, type LockedAttempt } from './attempt.js';
import { randomUUID } from 'node:crypto';
import { auditText } from '../audit/freeText.js';
import type { SecretVersion } from '../types/secretStore.js';
import { checkpoint } from './checkpoint.js';
import { CooldownActive, Misconfigured, OutcomeUnknown } from '../errors/index.js';
import { recordSuccess } from './bookkeeping.js';
import { finalize, removePending } from './finalize.js';
import { prepareAndChange } from './prepareChange.js';
import { recover } from './recover.js';
import { rotateIssued } from './rotateIssued.js';
import { rotateAlternating } from './alternating.js';
import {
  type RotationAudit,
  type RotationDeps,
  type RotationOutcome,
  type RotationAttempt,
} from './rotationContext.js';

export type { RotationDeps, RotationOutcome, RotationAttempt } from './rotationContext.js';

/**
 * One rotation of one target: lock → load → (recover | prepare) → commit → verify → finalize → release.
 * The invariant: the live password can always be read from Vault. The pending record is written
 * before the change call, the secret is promoted only after the change succeeded, and a crash at
 * any line leaves a state the next attempt finishes (see recover.ts).
 */
export async function rotateTarget(deps: RotationDeps, run: RotationAttempt): Promise<RotationOutcome> {
  const { connector, alternating } = deps;
  // A kind whose target issues the new secret (an access key) rotates by create-then-retire.
  if (connector.issuer) return rotateIssued(deps, run, connector.issuer);
  // Alternating accounts: the other account is changed, then consumers are switched over.
  if (alternating) return rotateAlternating({ ...deps, ...alternating }, run);
  return withLockedAttempt(deps, run, (attempt) => rotateLocked(deps, run, attempt));
}

async function rotateLocked(
  deps: RotationDeps,
  run: RotationAttempt,
  { lock, audit, log, started }: LockedAttempt,
): Promise<RotationOutcome> {
  const { target, connector, store } = deps;
  // load: the secret and the pending record, read side by side (both under the lock, neither depends
  // on the other); a failure of the secret's read is the one reported, as when they were read in turn.
  const [current, pending] = await bothOrFirstError(loadCurrent(deps), store.readPending(target.id));
  audit.event('rotation.started', pending?.record.rotation_id, {
    // The reason is payload text: verbatim only when short, printable and secret-free, else a digest.
    detail: { resume: pending !== null, fence: lock.fence, ...(run.reason ? { reason: auditText(run.reason) } : {}) },
  });
  log.debug({ rotationId: pending?.record.rotation_id, resume: pending !== null }, 'rotation started');
  if (pending) {
    const recovery = await recover(deps, audit, current, pending.record);
    if (recovery.finished) {
      const outcome = { rotationId: pending.record.rotation_id, targetId: target.id, version: recovery.version };
      audit.event('rotation.recovered', outcome.rotationId, { outcome: 'finished' });
      return await recordSuccess(
        deps,
        audit,
        log,
        { ...outcome, verified: recovery.verified, recovered: true },
        started,
        lock,
      );
    }
  }

  // prepare: cooldown, the stored password still logs in, account policy
  const rotationId = randomUUID();
  assertCooledDown(deps, current);
  const newPassword = await prepareAndChange(deps, lock, audit, {
    rotationId,
    fromVersion: current.version,
    oldPassword: current.password,
    connector,
    refusedWhy: 'the password stored in Vault is refused by the target',
    beforeWrite: (accountPolicy) =>
      assertCooledDown(deps, current, (accountPolicy?.minimum_password_age ?? 0) * 60_000),
    readHistory: (count) => store.passwordHistory(target.secretPath, count),
  });
  checkpoint('changed');
  audit.step('commit', rotationId);

  // verify
  const verified = await verifyChange(deps, audit, rotationId, newPassword);
  checkpoint('verified');

  // finalize: the pending record goes once the password is in the secret, beside its stamp
  await lock.assertHeld();
  const version = await finalize(deps, current, newPassword, rotationId, { alongside: () => removePending(deps) });
  audit.step('finalize', rotationId, { version });
  const outcome = { rotationId, targetId: target.id, version, verified, recovered: false };
  return await recordSuccess(deps, audit, log, outcome, started, lock);
}

/** Both results, or the first promise's error if it failed, else the second's: an order that does not depend on timing. */
async function bothOrFirstError<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

async function loadCurrent(deps: RotationDeps): Promise<SecretVersion & { password: string }> {
  const { target } = deps;
  const secret = await deps.store.readSecret(target.secretPath);
  if (!secret || typeof secret.password !== 'string' || secret.password === '') {
    throw new Misconfigured(
      `target ${target.id}: the secret at ${target.secretPath} has no "password" field; seed it with the current password first`,
    );
  }
  return secret as SecretVersion & { password: string };
}

/** A change too soon after the last one is refused by the target (Meeting, IAM minimum age): wait instead. */
function assertCooledDown(deps: RotationDeps, current: SecretVersion, extraMs = 0): void {
  const cooldownMs = Math.max(deps.cooldownMs, extraMs);
  const rotatedAt = Date.parse(current.customMetadata.rotated_at ?? '');
  if (cooldownMs <= 0 || Number.isNaN(rotatedAt)) return;
  const waitMs = rotatedAt + cooldownMs - Date.now();
  if (waitMs > 0) {
    throw new CooldownActive(`target ${deps.target.id}: changed less than ${Math.ceil(cooldownMs / 60_000)} min ago`, {
      retryAfterMs: waitMs,
    });
  }
}

/**
 * Logs in with the new password where the API allows. A login refused right after an accepted change
 * is not proof of anything (the target may apply it late), so it counts as the pending probe and the
 * next attempt's recovery decides — with the current password as its one remaining probe.
 */
async function verifyChange(
  deps: RotationDeps,
  audit: RotationAudit,
  rotationId: string,
  newPassword: string,
): Promise<boolean> {
  if (!deps.capabilities.canVerify) {
    const reason = deps.capabilities.unverifiedReason ?? 'the API offers no way to verify this password';
    audit.step('verify', rotationId, { verified: false, reason });
    return false;
  }
  if (!(await deps.connector.verify(newPassword))) {
    await deps.probes.markRefused(rotationId, 'pending');
    throw new OutcomeUnknown(
      `target ${deps.target.id}: the change was accepted but the new password does not log in yet`,
    );
  }
  audit.step('verify', rotationId, { verified: true });
  return true;
}
