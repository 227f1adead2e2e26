/**
 * The boundaries between rotation steps. A crash at any of them must leave a state from which the
 * next attempt finishes the rotation; the fault suite proves it by making the worker process kill
 * itself here (ROTOR_TEST_CRASH_AT=<step>). This is the one test hook in production code: it does
 * nothing unless that variable names the step. `issued` (the create reply of an issued credential
 * received, not yet stored) and the `retire-*` steps exist only for kinds whose target issues the secret.
 */
export type Checkpoint =
  'pending-written' | 'issued' | 'changed' | 'verified' | 'promoted' | 'retire-deactivated' | 'retire-deleted';

/** Read once, when the process starts (the fault suite sets it on the worker it spawns): a read of
 * `process.env` is a call into the C++ environment, several per rotation otherwise. */
const crashAt = process.env.ROTOR_TEST_CRASH_AT;

export function checkpoint(step: Checkpoint): void {
  if (crashAt === step) process.kill(process.pid, 'SIGKILL');
}
