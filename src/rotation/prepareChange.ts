import { leftTargetUnchanged } from '../errors/index.js';
import type { AccountPasswordPolicy } from '../policy/index.js';
import { checkpoint } from './checkpoint.js';
import type { RotationAudit, RotationDeps } from './rotationContext.js';
import type { TargetLock } from './targetLock.js';

/** One account's change: what the password is drawn against, and the call that sends it. */
export interface ChangeStep {
  rotationId: string;
  /** The secret version current when the rotation started (the pending record's `from_version`). */
  fromVersion: number;
  oldPassword: string;
  accountPolicy: AccountPasswordPolicy | undefined;
  readHistory(count: number): Promise<string[]>;
  /** Alternating targets: the account being changed, named in the pending record and the audit. */
  account?: string;
  change(newPassword: string): Promise<void>;
}

/**
 * prepare (generate, write the pending record), then commit (the change call); a policy rejection
 * gets one fresh password, never a loop. Returns the password the target now has. An unknown outcome
 * keeps the pending record for recovery; a refusal that left the target unchanged removes it.
 */
export async function prepareAndChange(
  deps: Pick<RotationDeps, 'target' | 'store' | 'makePassword'>,
  lock: TargetLock,
  audit: RotationAudit,
  step: ChangeStep,
): Promise<string> {
  const { target, store } = deps;
  for (let round = 1; ; round++) {
    const newPassword = await deps.makePassword({
      oldPassword: step.oldPassword,
      accountPolicy: step.accountPolicy,
      // The second draw follows a refusal: the target's rules are stricter than rotor knows.
      strictest: round > 1,
      readHistory: step.readHistory,
    });
    await lock.assertHeld();
    await store.writePending(
      target.id,
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
    audit.step('prepare', step.rotationId, step.account === undefined ? { round } : { round, account: step.account });
    // Everything up to here is in the chain before the change is sent.
    await audit.flush();
    try {
      await step.change(newPassword);
      return newPassword;
    } catch (err) {
      if (!leftTargetUnchanged(err)) throw err; // unknown: keep the note
      await store.deletePending(target.id);
      if (err.code === 'PolicyRejected' && round === 1) continue;
      throw err;
    }
  }
}
