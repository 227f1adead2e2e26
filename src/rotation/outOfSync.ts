import type { RotationAudit, RotationDeps } from './rotationContext.js';

/**
 * The target's live password is not one rotor knows. Record it where every later attempt looks
 * first (so no one probes again and trips a lockout), audit it, and alert once. The pending record,
 * if any, is kept: it may still hold the live password.
 */
export async function markOutOfSync(
  deps: RotationDeps,
  audit: RotationAudit,
  rotationId: string | undefined,
  why: string,
): Promise<void> {
  const message = `target ${deps.target.id}: ${why}; waiting for rotor reconcile`;
  await deps.status.failed(deps.target.id, 'out-of-sync', 'OutOfSync', message);
  audit.event('rotation.out_of_sync', rotationId, { errorCode: 'OutOfSync', outcome: 'out-of-sync' });
  await audit.flush();
  await deps.alert({
    event: 'rotation.out_of_sync',
    targetId: deps.target.id,
    kind: deps.target.kind,
    rotationId,
    errorCode: 'OutOfSync',
    message,
  });
}
