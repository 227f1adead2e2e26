import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SimRequest } from './types.js';

/** RFC 3986 encoding of one path segment or query part, as Huawei's APIG signer expects. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

export interface AkskCheck {
  ok: boolean;
  ak?: string;
  /** Why the signature was refused (for the APIG.0303 message). */
  reason?: string;
}

/** Parses `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`. */
export function parseSdkAuthorization(
  header: string | undefined,
): { ak: string; signed: string[]; signature: string } | undefined {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(
    header ?? '',
  );
  if (!m) return undefined;
  return { ak: m[1]!, signed: m[2]!.split(';'), signature: m[3]! };
}

/** `YYYYMMDDTHHMMSSZ` → epoch ms. */
export function parseSdkDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/**
 * Verifies an AK/SK-signed request the way the API gateway does: rebuild the canonical request from
 * the signed headers as received, compare signatures, and refuse a date more than 15 minutes off.
 */
export function verifySdkSignature(
  req: SimRequest,
  lookupSk: (ak: string) => string | undefined,
  nowMs: number,
): AkskCheck {
  const auth = parseSdkAuthorization(header(req, 'authorization'));
  if (!auth) return { ok: false, reason: 'malformed Authorization header' };
  const sk = lookupSk(auth.ak);
  if (!sk) return { ok: false, ak: auth.ak, reason: 'unknown access key' };
  const date = parseSdkDate(header(req, 'x-sdk-date') ?? '');
  if (date === undefined) return { ok: false, ak: auth.ak, reason: 'missing or malformed X-Sdk-Date' };
  if (Math.abs(nowMs - date) > 15 * 60_000)
    return { ok: false, ak: auth.ak, reason: 'X-Sdk-Date is more than 15 minutes off' };
  if (!auth.signed.includes('x-sdk-date') || !auth.signed.includes('host')) {
    return { ok: false, ak: auth.ak, reason: 'host and x-sdk-date must be signed' };
  }
  const uri = req.path.split('/').map(encode).join('/');
  const keys = [...new Set(req.query.keys())].sort();
  const query = keys
    .flatMap((k) =>
      req.query
        .getAll(k)
        .sort()
        .map((v) => `${encode(k)}=${encode(v)}`),
    )
    .join('&');
  const canonicalHeaders = auth.signed.map((h) => `${h}:${header(req, h) ?? ''}\n`).join('');
  const canonical = [
    req.method,
    uri.endsWith('/') ? uri : `${uri}/`,
    query,
    canonicalHeaders,
    auth.signed.join(';'),
    header(req, 'x-sdk-content-sha256') ?? sha256Hex(req.rawBody),
  ].join('\n');
  const toSign = ['SDK-HMAC-SHA256', header(req, 'x-sdk-date'), sha256Hex(canonical)].join('\n');
  const expected = createHmac('sha256', sk).update(toSign, 'utf8').digest();
  const given = Buffer.from(auth.signature, 'hex');
  const ok = given.length === expected.length && timingSafeEqual(given, expected);
  return ok ? { ok, ak: auth.ak } : { ok, ak: auth.ak, reason: 'signature mismatch' };
}

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}
