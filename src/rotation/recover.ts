import type { PendingRecord, SecretVersion } from '../types/secretStore.js';
import { OutOfSync } from '../errors/index.js';
import { finalize, removePending, stampIfMissing } from './finalize.js';
import { markOutOfSync } from './outOfSync.js';
import type { RotationAudit, RotationDeps } from './rotationContext.js';

/** What recovery found: the earlier rotation is now finished, or the target never changed. */
export type Recovery = { finished: true; version: number; verified: boolean } | { finished: false };

/**
 * An earlier attempt wrote a pending record and did not finish. Its change may or may not have
 * been applied; find out without guessing:
 * 1. the secret already holds the pending password → only the pending record is left to drop;
 * 2. an admin-reset target (CBH) → re-send the same password (idempotent) and finalize;
 * 3. otherwise probe: the pending password, then the current one — each at most once per rotation,
 *    remembered across attempts, because a refused login is a lockout strike;
 * 4. neither works → out of sync: stop, alert, wait for `rotor reconcile`.
 */
export async function recover(
  deps: RotationDeps,
  audit: RotationAudit,
  current: SecretVersion & { password: string },
  pending: PendingRecord,
): Promise<Recovery> {
  const { connector, store, target, probes, capabilities } = deps;
  const rotationId = pending.rotation_id;

  if (current.password === pending.password) {
    audit.step('recover', rotationId, { found: 'already-promoted' });
    await stampIfMissing(deps, current, rotationId);
    await store.deletePending(target.id);
    return { finished: true, version: current.version, verified: capabilities.canVerify };
  }

  if (capabilities.idempotentChange) {
    // The attempt's start is in the chain before the change is sent again.
    await audit.flush();
    await connector.change({ oldPassword: current.password, newPassword: pending.password });
    audit.step('recover', rotationId, { found: 'unknown', resolvedBy: 'idempotent-resend' });
    const version = await finalize(deps, current, pending.password, rotationId, {
      alongside: () => removePending(deps),
    });
    return { finished: true, version, verified: false };
  }

  const refused = await probes.refused(rotationId);
  if (!refused.has('pending')) {
    if (await connector.verify(pending.password)) {
      audit.step('recover', rotationId, { found: 'pending-live', resolvedBy: 'probe' });
      const version = await finalize(deps, current, pending.password, rotationId, {
        alongside: () => removePending(deps),
      });
      await probes.forget(rotationId);
      return { finished: true, version, verified: true };
    }
    await probes.markRefused(rotationId, 'pending');
  }
  if (!refused.has('current')) {
    if (await connector.verify(current.password)) {
      // The change never took: drop the note and rotate afresh in this same attempt.
      audit.step('recover', rotationId, { found: 'current-live', resolvedBy: 'probe' });
      await store.deletePending(target.id);
      await probes.forget(rotationId);
      return { finished: false };
    }
    await probes.markRefused(rotationId, 'current');
  }
  await markOutOfSync(deps, audit, rotationId, 'neither the pending nor the current password is accepted');
  throw new OutOfSync(`target ${target.id}: neither the pending nor the current password is accepted`);
}
