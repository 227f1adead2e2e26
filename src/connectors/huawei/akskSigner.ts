import { createHash, createHmac } from 'node:crypto';

export interface SignableRequest {
  method: string;
  url: URL;
  /** Headers that will be sent; all of them are signed (as Huawei's SDK does), plus Host and X-Sdk-Date. */
  headers: Record<string, string>;
  body: string;
}

/** RFC 3986: everything but unreserved characters percent-encoded, as the APIG signer expects. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** `YYYYMMDDTHHMMSSZ`. */
export function sdkDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Huawei Cloud's `SDK-HMAC-SHA256` request signature (the API gateway's AK/SK scheme).
 * Returns the headers to add: `X-Sdk-Date` and `Authorization`. The secret key never leaves this function.
 */
export function signSdkHmacSha256(
  req: SignableRequest,
  cred: { ak: string; sk: string },
  now: Date = new Date(),
): { 'X-Sdk-Date': string; Authorization: string } {
  const date = req.headers['X-Sdk-Date'] ?? sdkDate(now);
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) all[k.toLowerCase()] = v;
  all.host ??= req.url.host;
  all['x-sdk-date'] = date;
  const names = Object.keys(all).sort();
  const canonicalHeaders = names.map((n) => `${n}:${all[n]}\n`).join('');
  // Segments are encoded as they appear in the URL (an escaped `%20` becomes `%2520`), as the SDK signer does.
  const path = req.url.pathname.split('/').map(encode).join('/');
  const keys = [...new Set(req.url.searchParams.keys())].sort();
  const query = keys
    .flatMap((k) =>
      req.url.searchParams
        .getAll(k)
        .sort()
        .map((v) => `${encode(k)}=${encode(v)}`),
    )
    .join('&');
  const canonical = [
    req.method.toUpperCase(),
    path.endsWith('/') ? path : `${path}/`,
    query,
    canonicalHeaders,
    names.join(';'),
    sha256Hex(req.body),
  ].join('\n');
  const stringToSign = ['SDK-HMAC-SHA256', date, sha256Hex(canonical)].join('\n');
  const signature = createHmac('sha256', cred.sk).update(stringToSign, 'utf8').digest('hex');
  return {
    'X-Sdk-Date': date,
    Authorization: `SDK-HMAC-SHA256 Access=${cred.ak}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}
