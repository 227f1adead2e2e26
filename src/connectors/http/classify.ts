import jsonpointer from 'jsonpointer';
import {
  AuthFailed,
  CooldownActive,
  Misconfigured,
  PolicyRejected,
  TargetUnchanged,
  Throttled,
} from '../../errors/index.js';
import { retryAfterMs, type HuaweiReply } from '../huawei/http.js';
import { policyMessage } from '../huawei/policyMessage.js';
import { accountBlocked, describe, detailsOf } from '../huawei/replies.js';
import type { RefusalRule, SuccessSpec } from './schema.js';

/**
 * Reading a reply against a request's description: success only when it is positively recognised
 * (status, body kind, body fields); a refusal only when a rule matches. The caller decides what
 * anything else means (after a change: an unknown outcome; after a login: nothing proven).
 */

/** The value at an RFC 6901 pointer of the reply's JSON body; undefined when absent or no JSON. */
export function valueAt(reply: HuaweiReply, pointer: string): unknown {
  const body = reply.body;
  if (reply.bodyKind !== 'json' || body === null || typeof body !== 'object') return pointer === '' ? body : undefined;
  try {
    return jsonpointer.get(body, pointer) as unknown;
  } catch {
    return undefined;
  }
}

function holds(reply: HuaweiReply, check: { pointer: string; equals?: (string | number | boolean)[] }): boolean {
  const value = valueAt(reply, check.pointer);
  if (value === undefined || value === null) return false;
  return check.equals === undefined || check.equals.some((e) => e === value);
}

const kindOf = (reply: HuaweiReply): 'empty' | 'json' | 'text' =>
  reply.bodyKind === 'other' ? 'text' : reply.bodyKind;

export function isSuccess(reply: HuaweiReply, success: SuccessSpec): boolean {
  return (
    success.status.includes(reply.status) &&
    success.body.includes(kindOf(reply)) &&
    success.json.every((check) => holds(reply, check))
  );
}

/** The first refusal rule the reply matches. */
export function matchRefusal(reply: HuaweiReply, rules: readonly RefusalRule[]): RefusalRule | undefined {
  return rules.find(
    (rule) =>
      rule.status.includes(reply.status) &&
      (rule.pointer === undefined || holds(reply, { pointer: rule.pointer, equals: rule.equals })) &&
      (rule.bodyMatches === undefined || new RegExp(rule.bodyMatches).test(reply.text ?? '')),
  );
}

/**
 * The rotor error a matched refusal stands for. `login`: the refusal answered a login, so an
 * `auth-failed` there is a refused password (a lockout strike), whatever status the API uses for it.
 */
export function refusalError(
  rule: RefusalRule,
  reply: HuaweiReply,
  what: string,
  opts: { targetCooldownMs?: number; login: boolean },
): Error {
  const details = detailsOf(reply);
  const said = `${what} (${describe(reply)})`;
  switch (rule.outcome) {
    case 'unchanged':
      return new TargetUnchanged(`${said}: refused, nothing changed`, details);
    case 'policy-rejected':
      return new PolicyRejected(policyMessage(said), details);
    case 'throttled': {
      const header = reply.headers['retry-after'];
      const waitMs = header === undefined ? (rule.retryAfter ?? 1000) : retryAfterMs(header);
      return new Throttled(`${said}: throttled`, { ...details, retryAfterMs: waitMs });
    }
    case 'cooldown':
      return new CooldownActive(`${said}: the target's cooldown`, {
        ...details,
        retryAfterMs: rule.cooldown ?? opts.targetCooldownMs,
      });
    case 'auth-failed':
      return new AuthFailed(`${said}: ${opts.login ? 'login refused' : 'refused as unauthenticated'}`, {
        ...details,
        ...(opts.login ? { passwordRefused: true } : {}),
      });
    case 'locked':
      return accountBlocked(what, 'locked', reply);
    case 'disabled':
      return accountBlocked(what, 'disabled', reply);
    case 'misconfigured':
      return new Misconfigured(`${said}: the request itself was refused; check the target's description`, details);
  }
}
