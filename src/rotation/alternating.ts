import { withLockedAttempt, type LockedAttempt } from './attempt.js';
import { randomUUID } from 'node:crypto';
import type { PendingRecord, SecretVersion } from '../types/secretStore.js';
import { Misconfigured, OutOfSync, OutcomeUnknown, isRotorError } from '../errors/index.js';
import { recordSuccess } from './bookkeeping.js';
import { checkpoint } from './checkpoint.js';
import { finalize, stampIfMissing } from './finalize.js';
import { markOutOfSync } from './outOfSync.js';
import { prepareAndChange } from './prepareChange.js';
import {
  type AlternatingAccounts,
  type RotationAttempt,
  type RotationAudit,
  type RotationDeps,
  type RotationOutcome,
} from './rotationContext.js';

/**
 * Alternating accounts (`strategy: alternating`): two equivalent accounts of one kind take turns. The
 * consumer secret names the account consumers use (`account`) and holds its password; a rotation
 * changes the *other* account's password, verifies it, and then switches consumers over by promoting
 * (check-and-set) the secret to that account. The account consumers used until then keeps working
 * until its own next turn: no consumer ever holds a dead password.
 *
 * Both accounts' live passwords are always in Vault: the secret holds the current one; rotor's
 * accounts record (`{statePrefix}/accounts/{targetId}`, one field per account name) holds both as
 * rotor last set them; the pending record (naming the account being changed) holds a password in flight.
 */
export type AlternatingDeps = RotationDeps & AlternatingAccounts;

/** The account the secret names; a secret without `account` (as first seeded) names the first account. */
export function currentAccountOf(secret: SecretVersion, names: readonly [string, string]): string {
  const named = secret.data.account;
  if (named === undefined) return names[0];
  if (typeof named !== 'string' || !names.includes(named)) {
    throw new Misconfigured(
      `the secret's "account" field names ${JSON.stringify(named)}, not one of ${names.join(', ')}`,
    );
  }
  return named;
}

const otherOf = (names: readonly [string, string], name: string) => (names[0] === name ? names[1] : names[0]);

export async function rotateAlternating(deps: AlternatingDeps, run: RotationAttempt): Promise<RotationOutcome> {
  return withLockedAttempt(deps, run, (attempt) => rotateAlternatingLocked(deps, attempt));
}

async function rotateAlternatingLocked(
  deps: AlternatingDeps,
  { lock, audit, log, started }: LockedAttempt,
): Promise<RotationOutcome> {
  const { target, store } = deps;
  const current = await loadSecret(deps);
  const pending = await store.readPending(target.id);
  audit.event('rotation.started', pending?.record.rotation_id, {
    detail: { resume: pending !== null, fence: lock.fence, strategy: 'alternating' },
  });
  if (pending) {
    const done = await recoverAlternating(deps, audit, current, pending.record);
    if (done) {
      audit.event('rotation.recovered', pending.record.rotation_id, { outcome: 'finished' });
      const outcome = { rotationId: pending.record.rotation_id, targetId: target.id, ...done, recovered: true };
      return await recordSuccess(deps, audit, log, outcome, started, lock);
    }
  }

  const active = currentAccountOf(current, deps.accountNames);
  const standby = otherOf(deps.accountNames, active);
  const record = await deps.accounts.read();
  const oldPassword = record.passwords[standby];
  if (oldPassword === undefined) {
    throw new Misconfigured(
      `target ${target.id}: no password known for account ${standby}; store it with "vault kv patch" at the accounts record (docs/rotation.md#alternating-accounts)`,
    );
  }
  // The record learns the active account's password before anything changes: after the switch the
  // secret names the other account, and the record is then where this one's live password is read.
  if (record.passwords[active] !== current.password) await remember(deps, { [active]: current.password });
  const connector = deps.accountConnector(standby);
  const rotationId = randomUUID();
  // No history across the two accounts: each account's earlier passwords are not kept apart.
  const newPassword = await prepareAndChange(deps, lock, audit, {
    rotationId,
    fromVersion: current.version,
    oldPassword,
    connector,
    refusedWhy: `the password stored for account ${standby} is refused by the target`,
    readHistory: async () => [],
    account: standby,
  });
  checkpoint('changed');
  audit.step('commit', rotationId, { account: standby });
  let verified = false;
  if (deps.capabilities.canVerify) {
    if (!(await connector.verify(newPassword))) {
      await deps.probes.markRefused(rotationId, 'pending');
      throw new OutcomeUnknown(
        `target ${target.id}: account ${standby} accepted the change but the new password does not log in yet`,
      );
    }
    verified = true;
  }
  audit.step('verify', rotationId, { verified, account: standby });
  checkpoint('verified');
  await lock.assertHeld();
  // Consumers switch to the standby account: the secret names it with its new password.
  const version = await finalize(deps, current, newPassword, rotationId, { fields: { account: standby } });
  checkpoint('promoted');
  await remember(deps, { [standby]: newPassword, [active]: current.password });
  await store.deletePending(target.id);
  audit.step('finalize', rotationId, { version, account: standby });
  return await recordSuccess(
    deps,
    audit,
    log,
    { rotationId, targetId: target.id, version, verified, recovered: false },
    started,
    lock,
  );
}

async function loadSecret(deps: AlternatingDeps): Promise<SecretVersion & { password: string }> {
  const secret = await deps.store.readSecret(deps.target.secretPath);
  if (!secret || typeof secret.password !== 'string' || secret.password === '') {
    throw new Misconfigured(
      `target ${deps.target.id}: the secret at ${deps.target.secretPath} has no "password" field; seed it with the current account's password first`,
    );
  }
  return secret as SecretVersion & { password: string };
}

/** The accounts record learns the passwords given, keeping the others (check-and-set, one retry). */
async function remember(deps: AlternatingDeps, passwords: Record<string, string>): Promise<void> {
  for (let round = 1; ; round++) {
    const record = await deps.accounts.read();
    try {
      await deps.accounts.write({ ...record.passwords, ...passwords }, record.version);
      return;
    } catch (err) {
      if (!isRotorError(err, 'Conflict') || round >= 3) throw err;
    }
  }
}

/**
 * An earlier attempt left a pending record for `pending.account`. Find out, without guessing, which
 * of that account's two passwords is live, then finish (switch consumers over and remember it) or
 * start afresh — the same rules as a single account (recover.ts): each password probed at most once.
 */
async function recoverAlternating(
  deps: AlternatingDeps,
  audit: RotationAudit,
  current: SecretVersion & { password: string },
  pending: PendingRecord,
): Promise<{ version: number; verified: boolean } | undefined> {
  const { target, store, probes, capabilities } = deps;
  const rotationId = pending.rotation_id;
  const account = pending.account;
  if (account === undefined || !deps.accountNames.includes(account)) {
    throw new Misconfigured(`target ${target.id}: the pending record names no account of this target`);
  }
  const promoted = current.password === pending.password && current.data.account === account;
  const finish = async (verified: boolean) => {
    if (promoted) await stampIfMissing(deps, current, rotationId);
    const version = promoted
      ? current.version
      : await finalize(deps, current, pending.password, rotationId, { fields: { account } });
    checkpoint('promoted');
    const previous = currentAccountOf(current, deps.accountNames);
    await remember(deps, {
      [account]: pending.password,
      ...(previous !== account ? { [previous]: current.password } : {}),
    });
    await store.deletePending(target.id);
    await probes.forget(rotationId);
    return { version, verified };
  };

  if (promoted) {
    audit.step('recover', rotationId, { found: 'already-promoted', account });
    return finish(capabilities.canVerify);
  }
  const connector = deps.accountConnector(account);
  const record = await deps.accounts.read();
  if (capabilities.idempotentChange) {
    // The attempt's start is in the chain before the change is sent again.
    await audit.flush();
    await connector.change({ oldPassword: record.passwords[account] ?? '', newPassword: pending.password });
    audit.step('recover', rotationId, { found: 'unknown', resolvedBy: 'idempotent-resend', account });
    return finish(false);
  }
  const refused = await probes.refused(rotationId);
  if (!refused.has('pending')) {
    if (await connector.verify(pending.password)) {
      audit.step('recover', rotationId, { found: 'pending-live', resolvedBy: 'probe', account });
      return finish(true);
    }
    await probes.markRefused(rotationId, 'pending');
  }
  const before = record.passwords[account];
  if (!refused.has('current') && before !== undefined) {
    if (await connector.verify(before)) {
      audit.step('recover', rotationId, { found: 'current-live', resolvedBy: 'probe', account });
      await store.deletePending(target.id);
      await probes.forget(rotationId);
      return undefined;
    }
    await probes.markRefused(rotationId, 'current');
  }
  const why = `neither the pending nor the stored password of account ${account} is accepted`;
  await markOutOfSync(deps, audit, rotationId, why);
  throw new OutOfSync(`target ${target.id}: ${why}`);
}

/**
 * The deps of an alternating target with the connector of the account its secret names now, for the
 * single-account paths (reconcile, dry run) that log in with the secret's password.
 */
export async function withCurrentAccount(deps: RotationDeps): Promise<RotationDeps> {
  const alternating = deps.alternating;
  if (!alternating) return deps;
  const secret = await deps.store.readSecret(deps.target.secretPath);
  const account = secret ? currentAccountOf(secret, alternating.accountNames) : alternating.accountNames[0];
  return { ...deps, connector: alternating.accountConnector(account) };
}
