import { randomUUID } from 'node:crypto';
import type { SecretVersion } from '../types/secretStore.js';
import { Misconfigured, OutOfSync, TargetBusy } from '../errors/index.js';
import { finalize } from './finalize.js';
import { loadIssued } from './issuedCredential.js';
import { auditFor, type RotationDeps } from './rotationContext.js';

export interface ReconcileOutcome {
  targetId: string;
  /** How the live password became known again. */
  method: 'admin-reset' | 'pending-live' | 'current-live';
  version: number;
  verified: boolean;
}

/**
 * Brings an out-of-sync target back under rotor's control, on an operator's request:
 * - a target with an admin path (IAM with `adminCredential`; CBH, whose change is itself an admin
 *   reset) gets a fresh password set without the old one — written to the pending record first;
 * - otherwise (Meeting has no documented admin reset) the known passwords are probed once more, now
 *   that someone has looked: the pending one, then the current one in Vault (which the operator may
 *   have replaced with the password they set by hand).
 * Either way the out-of-sync mark is cleared only when the live password is in Vault again.
 */
export async function reconcileTarget(deps: RotationDeps, actor: string): Promise<ReconcileOutcome> {
  const { target, connector, store, capabilities } = deps;
  const audit = auditFor(deps, { actor });
  const lock = await deps.acquireLock();
  if (!lock) throw new TargetBusy(`target ${target.id}: a rotation is in progress; try again when it ends`);
  try {
    const current = await store.readSecret(target.secretPath);
    if (!current) throw new Misconfigured(`target ${target.id}: nothing stored at ${target.secretPath}`);
    if (connector.issuer) {
      // An issued credential has no reset: the key Vault holds must sign again (an operator stored the
      // key in use); a pending record is left to the next rotation, which resumes or clears it.
      const issued = await loadIssued(deps, connector.issuer);
      if (!(await connector.issuer.verify(issued.credential))) {
        const { id, secret } = connector.issuer.fields;
        throw new OutOfSync(
          `target ${target.id}: the key stored in Vault is refused by the target. Store the key in use with ` +
            `"vault kv patch -mount=<mount> ${target.secretPath} ${id}=... ${secret}=...", then run rotor reconcile ${target.id} again`,
        );
      }
      await deps.status.clear(target.id);
      const outcome: ReconcileOutcome = {
        targetId: target.id,
        method: 'current-live',
        version: issued.secret.version,
        verified: true,
      };
      audit.event('rotation.reconciled', undefined, {
        outcome: outcome.method,
        detail: { version: outcome.version, verified: true },
      });
      await audit.flush();
      return outcome;
    }
    const pending = await store.readPending(target.id);
    const rotationId = randomUUID();
    const reset = capabilities.idempotentChange
      ? (password: string) => connector.change({ oldPassword: '', newPassword: password })
      : connector.adminReset?.bind(connector);

    let outcome: ReconcileOutcome;
    if (deps.noAdminReset === undefined && reset) {
      const password = await deps.makePassword({
        oldPassword: current.password ?? '',
        accountPolicy: undefined,
        readHistory: (count) => store.passwordHistory(target.secretPath, count),
      });
      // A pending record left by the failed rotation is replaced: the reset makes it obsolete.
      if (pending) await store.deletePending(target.id);
      await store.writePending(
        target.id,
        {
          password,
          rotation_id: rotationId,
          started_at: new Date().toISOString(),
          step: 'reconcile',
          from_version: current.version,
        },
        0,
      );
      await reset(password);
      const verified = capabilities.canVerify ? await connector.verify(password) : false;
      if (capabilities.canVerify && !verified) {
        throw new OutOfSync(`target ${target.id}: the admin reset was accepted but the new password does not log in`);
      }
      const version = await finalize(deps, current, password, rotationId);
      await store.deletePending(target.id);
      outcome = { targetId: target.id, method: 'admin-reset', version, verified };
    } else {
      outcome = await probeKnownPasswords(deps, current, pending?.record.password, rotationId);
    }
    await deps.status.clear(target.id);
    audit.event('rotation.reconciled', rotationId, {
      outcome: outcome.method,
      detail: { version: outcome.version, verified: outcome.verified },
    });
    await audit.flush();
    return outcome;
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function probeKnownPasswords(
  deps: RotationDeps,
  current: SecretVersion,
  pendingPassword: string | undefined,
  rotationId: string,
): Promise<ReconcileOutcome> {
  const { target, connector, store } = deps;
  if (pendingPassword !== undefined && (await connector.verify(pendingPassword))) {
    const version = await finalize(deps, current, pendingPassword, rotationId);
    await store.deletePending(target.id);
    return { targetId: target.id, method: 'pending-live', version, verified: true };
  }
  if (current.password && (await connector.verify(current.password))) {
    if (pendingPassword !== undefined) await store.deletePending(target.id);
    return { targetId: target.id, method: 'current-live', version: current.version, verified: true };
  }
  throw new OutOfSync(
    `target ${target.id}: ${deps.noAdminReset ?? 'no admin reset for this kind'}, ` +
      `and neither known password logs in. Set a password on the target by hand, store it with ` +
      `"vault kv patch -mount=<mount> ${target.secretPath} password=...", then run rotor reconcile ${target.id} again`,
  );
}
