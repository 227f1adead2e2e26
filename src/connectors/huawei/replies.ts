import { AuthFailed, OutcomeUnknown, TargetUnchanged, type RotorErrorDetails } from '../../errors/index.js';
import type { HuaweiReply } from './http.js';

/**
 * Reading Huawei replies. The rule every connector follows: a call succeeded only when its reply is the
 * one the API reference documents (status, and body where one is documented). Anything else that came
 * back after a change was sent — a 200 HTML page from a proxy, an empty body where JSON is documented,
 * an undocumented status — may or may not have been applied, so it is an unknown outcome and goes
 * through recovery; it never ends a rotation as a success.
 */

/** Summary of an upstream reply for an error message: status, media type when odd, code, message (scrubbed). */
export function describe(reply: HuaweiReply): string {
  const odd = reply.bodyKind === 'other' ? `${reply.contentType ?? 'untyped'} body` : undefined;
  const empty = reply.bodyKind === 'empty' && reply.status < 300 ? 'empty body' : undefined;
  return [reply.status, odd ?? empty, reply.error.code, reply.error.message]
    .filter((x) => x !== undefined && x !== '')
    .join(' ');
}

export function detailsOf(reply: HuaweiReply): RotorErrorDetails {
  return { status: reply.status, upstreamCode: reply.error.code, requestId: reply.requestId };
}

/** True when the reply's JSON body is an object (not an error page, not empty). */
export function jsonObject(reply: HuaweiReply): Record<string, unknown> | undefined {
  const b = reply.body;
  return reply.bodyKind === 'json' && b !== null && typeof b === 'object' && !Array.isArray(b)
    ? (b as Record<string, unknown>)
    : undefined;
}

/** The reply carries one of Huawei's documented error bodies (Keystone, IAM, Meeting, CBH, gateway). */
export function jsonError(reply: HuaweiReply): boolean {
  return reply.error.style !== 'none';
}

/**
 * A reply to a change call that is not its documented success nor a documented refusal: the change may
 * have been applied. Recovery decides (CBH re-sends the same password; IAM and Meeting probe).
 */
export function unrecognisedChange(what: string, reply: HuaweiReply): OutcomeUnknown {
  return new OutcomeUnknown(
    `${what}: answered ${describe(reply)}, which is not the documented reply; the change may or may not have been applied`,
    detailsOf(reply),
  );
}

/** The same for a read-only call (a login, a policy read): nothing changed, and the answer proves nothing. */
export function unrecognisedRead(what: string, reply: HuaweiReply): TargetUnchanged {
  return new TargetUnchanged(
    `${what}: answered ${describe(reply)}, which is not the documented reply`,
    detailsOf(reply),
  );
}

/** The account cannot log in at all (locked after failed logins, or disabled): stop, no more logins. */
export function accountBlocked(what: string, reason: 'locked' | 'disabled', reply: HuaweiReply): AuthFailed {
  const fix =
    reason === 'locked'
      ? 'the account is locked; rotor sends no more logins: unlock it on the target, then run rotor rotate again'
      : 'the account is disabled on the target; enable it, then run rotor rotate again';
  return new AuthFailed(`${what}: ${fix} (${describe(reply)})`, { ...detailsOf(reply), reason });
}

/** IAM says a login was refused because the user is locked (documented message "The account is locked."). */
export function lockedOut(reply: HuaweiReply): boolean {
  return /locked/i.test(reply.error.message ?? '');
}
