import { isRecord } from './http.js';

/** Request-field parsing shared by the KV engines, lenient the way Vault's field parser is. */

export function toInt(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return Number(raw);
  return undefined;
}

export function versionList(body: Record<string, unknown>): number[] | undefined {
  const raw = body.versions;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
  const nums = list.map(toInt).filter((n): n is number => n !== undefined && n > 0);
  return nums.length > 0 ? nums : undefined;
}

/** Validates custom_metadata the way KV v2 does: at most 64 keys, keys 1–128 and values 1–512 characters. */
export function parseCustomMetadata(raw: unknown): Record<string, string> | string {
  if (!isRecord(raw)) return 'custom_metadata must be a map of strings';
  const entries = Object.entries(raw);
  if (entries.length > 64) return `custom_metadata validation failed: payload must contain at most 64 keys`;
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string') return `custom_metadata validation failed: value of key "${k}" is not a string`;
    if (k.length < 1 || k.length > 128) return `custom_metadata validation failed: length of key "${k}" is invalid`;
    if (v.length < 1 || v.length > 512) return `custom_metadata validation failed: length of value for key "${k}"`;
    out[k] = v;
  }
  return out;
}
