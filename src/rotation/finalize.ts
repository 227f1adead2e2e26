import type { SecretVersion } from '../types/secretStore.js';
import { isRotorError } from '../errors/index.js';
import { checkpoint } from './checkpoint.js';
import type { RotationDeps } from './rotationContext.js';

/**
 * Promotes the live password into the consumer secret with check-and-set on the version read at
 * load. It leaves the pending record to the caller, who deletes it after its own crash checkpoint
 * (`alongside`, run once the password is in the secret, beside the custom_metadata stamp), so a
 * crash between the two is a boundary the fault suite covers. A lost check-and-set race is resolved by reading again:
 * either someone (a concurrent recovery) already promoted this very password, or someone edited the
 * secret, in which case the password we know to be live is written over their version, keeping
 * their other fields.
 */
export async function finalize(
  deps: RotationDeps,
  current: SecretVersion,
  password: string,
  rotationId: string,
  alongside?: () => Promise<void>,
): Promise<number> {
  const { store, target } = deps;
  const promote = (cas: number, base?: Record<string, unknown>) =>
    store.promote(target.secretPath, {
      password,
      cas,
      rotationId,
      targetId: target.id,
      rotatedAt: new Date(),
      base,
      alongside,
    });
  let version: number;
  try {
    version = await promote(current.version, current.deleted ? undefined : current.data);
  } catch (err) {
    if (!isRotorError(err, 'Conflict')) throw err;
    const now = await store.readSecret(target.secretPath);
    if (now && now.password === password) {
      version = now.version;
      await alongside?.();
    } else version = await promote(now?.version ?? 0);
  }
  return version;
}

/** The pending record's removal once its password is promoted (`finalize`'s `alongside`): its crash checkpoint first. */
export async function removePending(deps: Pick<RotationDeps, 'store' | 'target'>): Promise<void> {
  checkpoint('promoted');
  await deps.store.deletePending(deps.target.id);
}
