import { createHash } from 'node:crypto';
import { valueLooksSecret } from './secretGuard.js';

/**
 * Free text from a job payload or a request (a reason, who asked, a run id, an unknown target id)
 * enters the hash chain only in a form that is safe to keep for ever: once an event is chained it
 * cannot be removed without breaking every link after it. A short, printable, secret-free text is
 * kept as it is; anything else is replaced by its digest, which still lets an operator match it
 * against the text they have, but holds nothing that could need erasing.
 */

/** The longest free text kept verbatim. */
export const maxAuditText = 200;

const digestPattern = /^sha256:[0-9a-f]{16}$/;

/** `sha256:` and the first 16 hex digits of the SHA-256 of the value's UTF-8 bytes. */
export function auditDigest(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16)}`;
}

/**
 * Control characters (C0, DEL, C1), invisible format characters (bidi overrides, zero-width), line
 * and paragraph separators, private-use, unassigned code points and lone surrogates: text that could
 * hide or disguise what a reader of the audit sees.
 */
const unprintable = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/u;

/** Why a free text cannot be kept verbatim, or undefined when it can. */
export function auditTextProblem(value: string, max = maxAuditText): string | undefined {
  if (value.length > max) return `longer than ${max} characters`;
  if (unprintable.test(value)) return 'holds a character that is not printable';
  if (valueLooksSecret(value)) return 'is shaped like a credential';
  // A text shaped like a digest would be read as one: keep the two apart.
  if (digestPattern.test(value)) return 'is shaped like a digest';
  return undefined;
}

/** The value itself when it is short, printable and secret-free; else its digest (see `auditDigest`). */
export function auditText(value: string, max = maxAuditText): string {
  return auditTextProblem(value, max) === undefined ? value : auditDigest(value);
}
