/** The only payload rotor enqueues on the `rotate` queue (validated by `queue/rotateJob.ts`). */
export interface RotateJobData {
  targetId: string;
  reason?: string;
  requestedBy?: string;
  /** Authenticate, generate, validate, check Vault access — change nothing. */
  dryRun?: boolean;
  /** A mass rotation's id (`rotor rotate --all`), to resume it after a crash. */
  runId?: string;
  /**
   * Work a finished rotation left for a job of its own: `retire` looks at the key an issued-credential
   * rotation replaced (job id `retire.<targetId>`), and parks itself until its next look.
   */
  followUp?: 'retire';
}
