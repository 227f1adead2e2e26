import { withLockedAttempt, type LockedAttempt } from './attempt.js';
import { randomUUID } from 'node:crypto';
import { auditText } from '../audit/freeText.js';
import type { CredentialIssuer, IssuedCredential } from '../types/connector.js';
import type { IssuePendingRecord } from '../types/secretStore.js';
import { CooldownActive, Misconfigured, OutOfSync, OutcomeUnknown, leftTargetUnchanged } from '../errors/index.js';
import { recordSuccess } from './bookkeeping.js';
import { checkpoint } from './checkpoint.js';
import { loadIssued, promoteIssued, retiringRecord, type CurrentIssued } from './issuedCredential.js';
import { markOutOfSync } from './outOfSync.js';
import { type RotationAttempt, type RotationDeps, type RotationOutcome } from './rotationContext.js';

/**
 * One rotation of a target whose new secret the target issues (an access key): create-then-retire, so
 * consumers never hold a dead key.
 * lock → load → (recover | prepare) → issue → verify → promote → (retire, later, in jobs of their own)
 * - prepare: the pending record lists the credentials that exist (ids only) and the one to retire,
 *   before the create call;
 * - issue: the create reply's secret goes into the pending record at once;
 * - recover a `prepared` record: the create may have happened with its reply lost. A credential that is
 *   neither in Vault nor in the record is rotor's orphan (its secret is gone): delete it and issue again.
 *   A credential Vault holds is never deleted;
 * - at the account's limit with no orphan: stop and alert; rotor never guesses which key a consumer uses;
 * - verify: a request signed with the new credential; promote with check-and-set, other fields kept;
 * - the record then stays as `retiring` (no secret left in it) for the retirement jobs (retireIssued.ts).
 */
export async function rotateIssued(
  deps: RotationDeps,
  run: RotationAttempt,
  issuer: CredentialIssuer,
): Promise<RotationOutcome> {
  return withLockedAttempt(deps, run, (attempt) => rotateIssuedLocked(deps, run, issuer, attempt));
}

async function rotateIssuedLocked(
  deps: RotationDeps,
  run: RotationAttempt,
  issuer: CredentialIssuer,
  { lock, audit, log, started }: LockedAttempt,
): Promise<RotationOutcome> {
  const { target, store } = deps;
  const current = await loadIssued(deps, issuer);
  const pending = await store.readIssuePending(target.id);
  audit.event('rotation.started', pending?.record.rotation_id, {
    detail: { resume: pending !== null, fence: lock.fence, ...(run.reason ? { reason: auditText(run.reason) } : {}) },
  });
  const finish = { deps, issuer, audit, lock, current, started, log };

  if (pending?.record.step === 'retiring') {
    throw new CooldownActive(`target ${target.id}: the previous key is still being retired`, {
      retryAfterMs: issuer.retirement.checkEveryMs,
    });
  }
  if (pending?.record.step === 'issued') {
    const rec = pending.record;
    audit.step('recover', rec.rotation_id, { found: 'issued' });
    return await verifyAndPromote(finish, rec, pending.version, true);
  }

  const rotationId = pending?.record.rotation_id ?? randomUUID();
  if (!(await issuer.verify(current.credential))) {
    await markOutOfSync(deps, audit, rotationId, 'the key stored in Vault is refused by the target');
    throw new OutOfSync(`target ${target.id}: the key stored in Vault is refused by the target`);
  }
  let keys = await issuer.list(current.credential);
  if (!keys.some((k) => k.id === current.credential.id)) {
    throw new Misconfigured(`target ${target.id}: the key stored in Vault is not one of this account's keys`);
  }
  if (pending) {
    // A `prepared` record: the create call may have been applied with its reply lost.
    const orphans = keys.filter((k) => k.id !== current.credential.id && !pending.record.existing_ids.includes(k.id));
    if (orphans.length > 0) await audit.flush(); // what led to a delete is in the chain before it is sent
    for (const orphan of orphans) await issuer.remove(current.credential, orphan.id);
    audit.step('recover', rotationId, {
      found: orphans.length > 0 ? 'orphan' : 'not-created',
      deleted: orphans.length,
    });
    keys = keys.filter((k) => !orphans.includes(k));
  }
  if (keys.length >= issuer.limit) {
    if (pending) await store.deletePending(target.id);
    throw new Misconfigured(
      `target ${target.id}: the account already holds ${keys.length} keys, its limit, and none is one rotor left behind; rotor does not guess which key a consumer uses: delete the one no consumer uses, then rotate again`,
    );
  }

  // prepare
  await lock.assertHeld();
  const record: IssuePendingRecord = {
    rotation_id: rotationId,
    started_at: new Date().toISOString(),
    step: 'prepared',
    from_version: current.secret.version,
    existing_ids: keys.map((k) => k.id),
    retire_id: current.credential.id,
  };
  let version = await store.writeIssuePending(target.id, record, pending?.version ?? 0);
  checkpoint('pending-written');
  audit.step('prepare', rotationId);
  await audit.flush(); // what led to the create call is in the chain before it is sent

  // issue: the only moment the new secret can be read; it goes into the pending record at once.
  let issued: IssuedCredential;
  try {
    issued = await issuer.issue(current.credential);
  } catch (err) {
    if (leftTargetUnchanged(err)) await store.deletePending(target.id);
    throw err;
  }
  checkpoint('issued');
  const withIssued: IssuePendingRecord = {
    ...record,
    step: 'issued',
    issued_id: issued.id,
    issued_secret: issued.secret,
  };
  version = await store.writeIssuePending(target.id, withIssued, version);
  checkpoint('changed');
  audit.step('commit', rotationId);
  return await verifyAndPromote(finish, withIssued, version, false);
}

interface Finish extends LockedAttempt {
  deps: RotationDeps;
  issuer: CredentialIssuer;
  current: CurrentIssued;
}

/** verify → promote → start the retirement clock; also where recovery of an `issued` record resumes. */
async function verifyAndPromote(
  f: Finish,
  rec: IssuePendingRecord,
  pendingVersion: number,
  recovered: boolean,
): Promise<RotationOutcome> {
  const { deps, issuer, audit, current } = f;
  const { target, store } = deps;
  const rotationId = rec.rotation_id;
  if (!rec.issued_id || !rec.issued_secret || !rec.retire_id) {
    throw new Misconfigured(`the pending record of target ${target.id} is not one rotor wrote`);
  }
  const issued = { id: rec.issued_id, secret: rec.issued_secret };
  let version = current.secret.version;
  if (current.credential.id !== issued.id) {
    if (!(await issuer.verify(issued))) {
      // The record keeps the secret: the next attempt verifies again.
      throw new OutcomeUnknown(`target ${target.id}: the new key was created but does not sign requests yet`);
    }
    audit.step('verify', rotationId, { verified: true });
    checkpoint('verified');
    await f.lock.assertHeld();
    version = await promoteIssued(deps, issuer, current.secret, issued, rotationId);
    checkpoint('promoted');
  }
  // The old key's last use as of the promotion, read with the new key (a read with the old one would be a use).
  const old = await issuer.state(issued, rec.retire_id);
  await store.writeIssuePending(target.id, retiringRecord(rec, old?.lastUsedAt, new Date()), pendingVersion);
  audit.step('finalize', rotationId, { version });
  const outcome: RotationOutcome = {
    rotationId,
    targetId: target.id,
    version,
    verified: true,
    recovered,
    followUp: { kind: 'retire', afterMs: issuer.retirement.checkEveryMs },
  };
  return recordSuccess(deps, audit, f.log, outcome, f.started);
}
