/** The error body shapes Huawei Cloud APIs document, told apart by their fields. */
export type HuaweiErrorStyle = 'keystone' | 'iam' | 'meeting' | 'cbh' | 'gateway' | 'none';

export interface HuaweiErrorBody {
  style: HuaweiErrorStyle;
  /** `IAM.0011`, `1103`, `USG.000000004`, `CBH.10020011`, `APIG.0308`, or Keystone's numeric code as text. */
  code?: string;
  message?: string;
  /** The request id the service put in the body, if any. */
  requestId?: string;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/**
 * Parses any documented error body:
 * - Keystone `{ error: { code, message, title } }`
 * - IAM `{ error_msg, error_code }` (codes `IAM.*` or bare numbers like `1103`)
 * - Meeting `{ error_code: "USG.*", error_msg, request_id }`
 * - CBH `{ error_code: "CBH.*", error_description }`
 * - API gateway `{ error_msg, error_code: "APIG.*", request_id }`
 * Anything else (empty, HTML, other JSON) is style `none`: an undocumented answer.
 */
export function parseHuaweiError(body: unknown): HuaweiErrorBody {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { style: 'none' };
  const b = body as Record<string, unknown>;
  const err = b.error;
  if (err && typeof err === 'object' && !Array.isArray(err)) {
    const e = err as Record<string, unknown>;
    if (e.code !== undefined || e.message !== undefined)
      return { style: 'keystone', code: text(e.code), message: text(e.message) };
  }
  const code = text(b.error_code);
  const requestId = text(b.request_id);
  if (code === undefined) {
    // A documented body whose code was left out: the message field still tells the family apart.
    if (typeof b.error_description === 'string') return { style: 'cbh', message: b.error_description, requestId };
    if (typeof b.error_msg === 'string') return { style: 'iam', message: b.error_msg, requestId };
    return { style: 'none' };
  }
  if (b.error_description !== undefined) return { style: 'cbh', code, message: text(b.error_description), requestId };
  const message = text(b.error_msg);
  if (code.startsWith('APIG.')) return { style: 'gateway', code, message, requestId };
  if (code.startsWith('USG.') || code.startsWith('MMC.')) return { style: 'meeting', code, message, requestId };
  return { style: 'iam', code, message, requestId };
}

/** Removes every occurrence of the given secrets from an upstream message before it reaches an error. */
export function scrub(message: string | undefined, secrets: readonly string[]): string | undefined {
  if (message === undefined) return undefined;
  let out = message.slice(0, 300);
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('[redacted]');
  return out;
}
