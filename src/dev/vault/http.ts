import { randomUUID } from 'node:crypto';

/** What a route handler answers; the server turns it into an HTTP response. */
export interface EmuResponse {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
}

/** One parsed request, after the `/v1/` prefix is removed. */
export interface EmuRequest {
  /** GET | POST | PUT | DELETE | LIST (`GET ?list=true` arrives here as LIST, as in Vault's HTTP layer). */
  method: string;
  /** Path without `/v1/` and without a leading or trailing slash. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  token: string | undefined;
}

export const noContent: EmuResponse = { status: 204 };

/** Vault answers every status >= 400 with `{"errors":[...]}`. */
export function errorResponse(status: number, ...errors: string[]): EmuResponse {
  return { status, body: { errors } };
}

/** A missing key or version: Vault's bare 404. */
export const notFound: EmuResponse = errorResponse(404);

/** Policy denial, formatted the way Vault's multierror renders it. */
export const permissionDenied: EmuResponse = errorResponse(403, '1 error occurred:\n\t* permission denied\n\n');

/** A missing, expired or revoked token (Vault >= 1.17 adds "invalid token" next to "permission denied"). */
export const invalidToken: EmuResponse = errorResponse(
  403,
  '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n',
);

export const sealedResponse: EmuResponse = errorResponse(503, 'Vault is sealed');

export function noHandler(path: string): EmuResponse {
  return errorResponse(404, `no handler for route "${path}". route entry not found.`);
}

/** The envelope Vault wraps around every logical response. */
export function envelope(fields: { data?: unknown; auth?: unknown; warnings?: string[]; leaseDuration?: number }) {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: fields.leaseDuration ?? 0,
    data: fields.data ?? null,
    wrap_info: null,
    warnings: fields.warnings ?? null,
    auth: fields.auth ?? null,
  };
}

export function ok(data: unknown, extra: { leaseDuration?: number; warnings?: string[] } = {}): EmuResponse {
  return { status: 200, body: envelope({ data, ...extra }) };
}

/** Vault durations: a number of seconds, or a string like `90`, `30s`, `5m`, `2h`, `7d`. */
export function parseDurationSeconds(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return Math.floor(raw);
  if (typeof raw !== 'string') return undefined;
  const m = /^(\d+)(s|m|h|d)?$/.exec(raw.trim());
  if (!m) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'] ?? 1;
  return Number(m[1]) * unit;
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
