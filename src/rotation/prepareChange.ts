import { leftTargetUnchanged, OutOfSync } from '../errors/index.js';
import type { AccountPasswordPolicy } from '../policy/index.js';
import type { Connector } from '../types/connector.js';
import { checkpoint } from './checkpoint.js';
import { markOutOfSync } from './outOfSync.js';
import type { RotationAudit, RotationDeps } from './rotationContext.js';
import type { TargetLock } from './targetLock.js';

/** One account's change: what the password is drawn against, and the call that sends it. */
export interface ChangeStep {
  rotationId: string;
  /** The secret version current when the rotation started (the pending record's `from_version`). */
  fromVersion: number;
  oldPassword: string;
  /**
   * The account's connector: it logs in with the stored password where the kind can verify (one probe,
   * also how the change authenticates; a refusal means the password was changed behind rotor's back),
   * and sends the change.
   */
  connector: Pick<Connector, 'verify' | 'change'>;
  /** What the out-of-sync record says when the stored password is refused. */
  refusedWhy: string;
  /** Checks the account policy allows before anything is written (IAM's minimum password age). */
  beforeWrite?(accountPolicy: AccountPasswordPolicy | undefined): void;
  readHistory(count: number): Promise<string[]>;
  /** Alternating targets: the account being changed, named in the pending record and the audit. */
  account?: string;
}

/**
 * prepare (the stored password still logs in, the account policy, generate, write the pending record),
 * then commit (the change call); a policy rejection gets one fresh password, never a loop. Returns the
 * password the target now has. An unknown outcome keeps the pending record for recovery; a refusal
 * that left the target unchanged removes it.
 *
 * When the account policy is known without a request (no policy to read, or read within its TTL), the
 * login and the pending record's write go side by side: nothing reaches the target's change API until
 * both are done, and a refused login removes the record it did not need (nothing was sent with it).
 * Otherwise the policy is read with the login's token, so they go in turn.
 */
export async function prepareAndChange(
  deps: RotationDeps,
  lock: TargetLock,
  audit: RotationAudit,
  step: ChangeStep,
): Promise<string> {
  const refused = async (): Promise<never> => {
    await markOutOfSync(deps, audit, step.rotationId, step.refusedWhy);
    throw new OutOfSync(`target ${deps.target.id}: ${step.refusedWhy}`);
  };
  const stillLogsIn = async () => !deps.capabilities.canVerify || (await step.connector.verify(step.oldPassword));
  const known = deps.knownAccountPolicy?.();
  let accountPolicy: AccountPasswordPolicy | undefined;
  let loggingIn: Promise<boolean> | undefined;
  if (known) {
    accountPolicy = known.value;
    step.beforeWrite?.(accountPolicy);
    loggingIn = stillLogsIn();
  } else {
    if (!(await stillLogsIn())) return refused();
    accountPolicy = await deps.accountPolicy();
    step.beforeWrite?.(accountPolicy);
  }

  for (let round = 1; ; round++) {
    const written = writePending(deps, lock, step, accountPolicy, round);
    const newPassword = loggingIn ? await alongsideLogin(deps, loggingIn, written) : await written;
    loggingIn = undefined;
    if (newPassword === undefined) return refused();
    audit.step('prepare', step.rotationId, step.account === undefined ? { round } : { round, account: step.account });
    // Everything up to here is in the chain before the change is sent.
    await audit.flush();
    try {
      await step.connector.change({ oldPassword: step.oldPassword, newPassword });
      return newPassword;
    } catch (err) {
      if (!leftTargetUnchanged(err)) throw err; // unknown: keep the note
      await deps.store.deletePending(deps.target.id);
      if (err.code === 'PolicyRejected' && round === 1) continue;
      throw err;
    }
  }
}

/** Draws a password and writes it as the pending record (create only: no record is there under the lock). */
async function writePending(
  deps: RotationDeps,
  lock: TargetLock,
  step: ChangeStep,
  accountPolicy: AccountPasswordPolicy | undefined,
  round: number,
): Promise<string> {
  const newPassword = await deps.makePassword({
    oldPassword: step.oldPassword,
    accountPolicy,
    // The second draw follows a refusal: the target's rules are stricter than rotor knows.
    strictest: round > 1,
    readHistory: step.readHistory,
  });
  await lock.assertHeld();
  await deps.store.writePending(
    deps.target.id,
    {
      password: newPassword,
      rotation_id: step.rotationId,
      started_at: new Date().toISOString(),
      step: 'prepared',
      from_version: step.fromVersion,
      ...(step.account === undefined ? {} : { account: step.account }),
    },
    0,
  );
  checkpoint('pending-written');
  return newPassword;
}

/**
 * Waits for both the login and the pending write: the password when both went through, undefined when
 * the stored password was refused, else the login's error or, when the login went through, the write's.
 * Whenever the change will not be sent, a record that was written goes again: the target never saw its
 * password.
 */
async function alongsideLogin(
  deps: RotationDeps,
  loggingIn: Promise<boolean>,
  written: Promise<string>,
): Promise<string | undefined> {
  const [login, write] = await Promise.allSettled([loggingIn, written]);
  const goesAhead = login.status === 'fulfilled' && login.value;
  // A record left behind by a failed removal is recovery's: it probes and discards a password never sent.
  if (!goesAhead && write.status === 'fulfilled') await deps.store.deletePending(deps.target.id).catch(() => undefined);
  if (login.status === 'rejected') throw login.reason;
  if (!login.value) return undefined;
  if (write.status === 'rejected') throw write.reason;
  return write.value;
}
