import type { CredentialIssuer } from '../types/connector.js';
import type { IssuePendingRecord } from '../types/secretStore.js';
import { TargetBusy } from '../errors/index.js';
import { checkpoint } from './checkpoint.js';
import { loadIssued } from './issuedCredential.js';
import { auditFor, type RotationAttempt, type RotationDeps } from './rotationContext.js';

/** What one retirement job did: finished, or look again after `checkAgainInMs`. */
export type RetirementStep = { done: true; result: string } | { done: false; result: string; checkAgainInMs: number };

/**
 * One look at the credential an issued-credential rotation replaced, as a job of its own (resumable:
 * the clock lives in the pending record; audited: one `retire` step per decision). The old credential is
 * - made inactive once its last use has not moved for the quiet period since the promotion;
 * - deleted once it has been inactive for `deleteAfterMs` (inactive is reversible, delete is not);
 * - kept, with an alert and a note in `rotor status`, when it is still in use at the maximum wait.
 * A credential Vault holds is never touched; one the target no longer has ends the retirement.
 */
export async function retireIssued(
  deps: RotationDeps,
  run: RotationAttempt,
  issuer: CredentialIssuer,
): Promise<RetirementStep> {
  const { target, store } = deps;
  const audit = auditFor(deps, run);
  const lock = await deps.acquireLock();
  if (!lock) throw new TargetBusy(`target ${target.id}: another rotation of this target is in progress`);
  try {
    const pending = await store.readIssuePending(target.id);
    if (!pending || pending.record.step !== 'retiring' || !pending.record.retire_id) {
      return { done: true, result: 'nothing-to-retire' };
    }
    const rec = pending.record;
    const rotationId = rec.rotation_id;
    const oldId = rec.retire_id!;
    const current = await loadIssued(deps, issuer);
    const step = async (result: string, detail: Record<string, string | number | boolean> = {}) => {
      audit.step('retire', rotationId, { result, ...detail });
      await audit.flush();
    };
    const done = async (result: string): Promise<RetirementStep> => {
      await store.deletePending(target.id);
      await step(result);
      return { done: true, result };
    };
    if (oldId === current.credential.id) return done('held-by-vault');

    const state = await issuer.state(current.credential, oldId);
    if (!state) return done('already-gone');
    const now = Date.now();
    const { quietPeriodMs, deleteAfterMs, maxWaitMs, checkEveryMs } = issuer.retirement;

    if (rec.deactivated_at && !state.active) {
      const deleteAt = Date.parse(rec.deactivated_at) + deleteAfterMs;
      if (now < deleteAt) return { done: false, result: 'inactive', checkAgainInMs: deleteAt - now };
      await lock.assertHeld();
      await issuer.remove(current.credential, oldId);
      checkpoint('retire-deleted');
      return done('deleted');
    }

    // Active (again, if someone re-enabled it): is it still in use?
    let quietSince = Date.parse(rec.quiet_since ?? rec.promoted_at ?? new Date(now).toISOString());
    let next: IssuePendingRecord = rec;
    // A target that does not report a last use cannot prove the key quiet: it counts as in use.
    const moved = state.lastUsedAt === undefined || state.lastUsedAt !== rec.last_use_seen;
    if (moved) {
      quietSince = now;
      next = {
        ...rec,
        quiet_since: new Date(now).toISOString(),
        ...(state.lastUsedAt ? { last_use_seen: state.lastUsedAt } : {}),
      };
      delete next.deactivated_at;
    }
    let version = pending.version;
    if (next !== rec) version = await store.writeIssuePending(target.id, next, version);

    if (now - quietSince >= quietPeriodMs) {
      await lock.assertHeld();
      await issuer.deactivate(current.credential, oldId);
      await store.writeIssuePending(target.id, { ...next, deactivated_at: new Date(now).toISOString() }, version);
      checkpoint('retire-deactivated');
      await step('deactivated', { quietForMs: now - quietSince });
      return { done: false, result: 'deactivated', checkAgainInMs: deleteAfterMs };
    }
    const promotedAt = Date.parse(rec.promoted_at ?? new Date(now).toISOString());
    if (now - promotedAt >= maxWaitMs) {
      const message = `target ${target.id}: the old key is still in use ${Math.round((now - promotedAt) / 3_600_000)} h after the new one was promoted; rotor keeps it: move its consumers to the new key, then delete it`;
      await deps.status.notice(target.id, 'OldKeyInUse', message);
      await deps.alert({
        event: 'rotation.old_key_in_use',
        targetId: target.id,
        kind: target.kind,
        rotationId,
        errorCode: 'OldKeyInUse',
        message,
      });
      return done('kept-in-use');
    }
    if (moved) await step('in-use');
    const quietEnds = quietSince + quietPeriodMs - now;
    const waitEnds = promotedAt + maxWaitMs - now;
    return {
      done: false,
      result: moved ? 'in-use' : 'quiet',
      checkAgainInMs: Math.max(1, Math.min(checkEveryMs, quietEnds, waitEnds)),
    };
  } finally {
    await lock.release().catch(() => undefined);
  }
}
