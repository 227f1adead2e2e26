import type { SecretVersion } from '../types/secretStore.js';
import { isRotorError } from '../errors/index.js';
import { checkpoint } from './checkpoint.js';
import type { RotationDeps } from './rotationContext.js';

/** What a promotion adds to the plain one. */
export interface FinalizeOptions {
  /**
   * Run once the password is in the secret, beside the custom_metadata stamp: the caller's removal of
   * the pending record after its own crash checkpoint (`removePending`).
   */
  alongside?: () => Promise<void>;
  /** Fields written with the password (an alternating target's `account`): part of what "already promoted" means. */
  fields?: Record<string, string>;
}

/**
 * Promotes the live password into the consumer secret with check-and-set on the version read at
 * load, keeping every other field. It leaves the pending record to the caller, so a crash between the
 * two is a boundary the fault suite covers. A lost check-and-set race is resolved by reading again:
 * either someone (a concurrent recovery) already promoted this very password, or someone edited the
 * secret, in which case the password we know to be live is written over their version, keeping
 * their other fields.
 */
export async function finalize(
  deps: Pick<RotationDeps, 'store' | 'target'>,
  current: SecretVersion,
  password: string,
  rotationId: string,
  options: FinalizeOptions = {},
): Promise<number> {
  const { store, target } = deps;
  const fields = options.fields ?? {};
  const promote = (cas: number, base: Record<string, unknown>) =>
    store.promote(target.secretPath, {
      password,
      cas,
      rotationId,
      targetId: target.id,
      rotatedAt: new Date(),
      base: Object.assign({}, base, fields),
      alongside: options.alongside,
    });
  try {
    return await promote(current.version, current.deleted ? {} : current.data);
  } catch (err) {
    if (!isRotorError(err, 'Conflict')) throw err;
    const now = await store.readSecret(target.secretPath);
    const promoted =
      now !== null && now.password === password && Object.entries(fields).every(([k, v]) => now.data[k] === v);
    if (!promoted) return promote(now?.version ?? 0, now?.data ?? {});
    await options.alongside?.();
    return now.version;
  }
}

/** The pending record's removal once its password is promoted (`finalize`'s `alongside`): its crash checkpoint first. */
export async function removePending(deps: Pick<RotationDeps, 'store' | 'target'>): Promise<void> {
  checkpoint('promoted');
  await deps.store.deletePending(deps.target.id);
}

/**
 * For a secret found already holding the rotation's password: stamps it when its stamp names another
 * rotation — a worker stopped between the promotion and the stamp left rotated_at at the last one's.
 */
export async function stampIfMissing(
  deps: Pick<RotationDeps, 'store' | 'target'>,
  current: SecretVersion,
  rotationId: string,
): Promise<void> {
  if (current.customMetadata.rotation_id === rotationId) return;
  const { store, target } = deps;
  await store.stampRotation(
    target.secretPath,
    { rotationId, targetId: target.id, rotatedAt: new Date() },
    current.customMetadata,
  );
}
