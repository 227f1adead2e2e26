/**
 * The error vocabulary that steers a rotation. Each error says what happened to the *target*,
 * because that alone decides whether a retry is safe:
 * - TargetUnchanged: the request failed without modifying the account — safe to retry.
 * - OutcomeUnknown: the change may have been applied — probe before anything else.
 * - AuthFailed / Misconfigured: retrying cannot help — stop and alert.
 * Messages never carry a secret: callers pass only names, codes and statuses.
 */
export type RotorErrorCode =
  | 'TargetUnchanged'
  | 'PolicyRejected'
  | 'Throttled'
  | 'AuthFailed'
  | 'Misconfigured'
  | 'OutcomeUnknown'
  | 'CooldownActive'
  | 'OutOfSync'
  | 'BadJob'
  | 'TargetBusy'
  | 'PermissionDenied'
  | 'Unavailable'
  | 'Conflict'
  | 'NotFound';

export interface RotorErrorDetails {
  /** Upstream error code, e.g. `USG.000000004`, `CBH.10020011`, `IAM.0011`, `APIG.0308`. */
  upstreamCode?: string;
  /** HTTP status from the target or Vault, when there was one. */
  status?: number;
  /** The X-Request-Id sent with the failing request. */
  requestId?: string;
  /** When the operation may be tried again (ms from now): Retry-After, cooldown end. */
  retryAfterMs?: number;
  /** AuthFailed: why the account cannot log in — `locked` or `disabled` stop every further login. */
  reason?: 'locked' | 'disabled';
  /** AuthFailed: a login refused this password (a lockout strike), for APIs that say so with another status than 401. */
  passwordRefused?: boolean;
}

export class RotorError extends Error {
  readonly code: RotorErrorCode;
  readonly details: RotorErrorDetails;

  constructor(code: RotorErrorCode, message: string, details: RotorErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
    // Set the name so checks survive crossing module copies (compare `name`, not `instanceof`).
    this.name = code;
  }
}

function make(code: RotorErrorCode) {
  return class extends RotorError {
    constructor(message: string, details: RotorErrorDetails = {}, options?: { cause?: unknown }) {
      super(code, message, details, options);
    }
  };
}

/** The request failed and the target's password is certainly unchanged: safe to retry. */
export class TargetUnchanged extends make('TargetUnchanged') {}
/** The target refused the new password for its rules; the old password is still live. */
export class PolicyRejected extends make('PolicyRejected') {}
/** The target or its gateway asked us to slow down; nothing was applied. */
export class Throttled extends make('Throttled') {}
/** The credentials rotor holds were refused: retrying would only add lockout strikes. */
export class AuthFailed extends make('AuthFailed') {}
/** The configuration is wrong (unknown user, wrong server id, missing permission): retrying cannot help. */
export class Misconfigured extends make('Misconfigured') {}
/** The change may or may not have been applied (timeout after send, reset connection, undocumented 5xx). */
export class OutcomeUnknown extends make('OutcomeUnknown') {}
/** The target forbids another change yet (Meeting 5 minutes, IAM minimum password age). */
export class CooldownActive extends make('CooldownActive') {}
/** Neither the pending nor the current password works: stop, alert, wait for reconcile. */
export class OutOfSync extends make('OutOfSync') {}
/** Another rotation of the same target holds its lock: wait, nothing failed. */
export class TargetBusy extends make('TargetBusy') {}
/** A job payload that rotor did not enqueue. */
export class BadJob extends make('BadJob') {}
/** Vault refused the token's capability on a path. */
export class PermissionDenied extends make('PermissionDenied') {}
/** Vault (or a dependency) is sealed, unreachable or timed out: retry later. */
export class Unavailable extends make('Unavailable') {}
/** A check-and-set write lost a race: someone else wrote first. */
export class Conflict extends make('Conflict') {}
/** The secret or version does not exist. */
export class NotFound extends make('NotFound') {}

export function isRotorError(err: unknown, code?: RotorErrorCode): err is RotorError {
  if (!(err instanceof Error) || !('code' in err) || !('details' in err)) return false;
  return code === undefined || err.name === code;
}

/**
 * Errors after which the target certainly still has its old password: a change that failed this way
 * applied nothing, so its pending record can go. Part of each error's meaning, like its retry rule.
 */
const unchangedCodes: ReadonlySet<RotorErrorCode> = new Set<RotorErrorCode>([
  'TargetUnchanged',
  'PolicyRejected',
  'Throttled',
  'AuthFailed',
  'Misconfigured',
  'CooldownActive',
]);

export function leftTargetUnchanged(err: unknown): err is RotorError {
  return isRotorError(err) && unchangedCodes.has(err.code);
}
