import { isRecord } from './http.js';
import { goLen, goQuote, isPrintable, multiError, weakInt, weakMap, weakString, type Decoded } from './goFields.js';

/** Request-field parsing shared by the KV engines, following vault-plugin-secrets-kv. */

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

/** The framework's answer to a field it cannot convert (sdk/framework FieldData.Validate). */
export function fieldError(field: string, raw: unknown, reason: string): string {
  const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return `error converting input ${shown} for field "${field}": ${reason}`;
}

/**
 * `options.cas` of a data write (path_data.go validateCheckAndSetOption): absent → undefined; present →
 * mapstructure.WeakDecode into an int, so `"3"` and `true` count and `null` is 0; anything else fails with
 * the plugin's "error parsing check-and-set parameter".
 */
export function parseCas(body: Record<string, unknown>): Decoded<number | undefined> {
  const options = body.options;
  if (!isRecord(options) || !('cas' in options)) return { value: undefined };
  const cas = weakInt(options.cas);
  return 'error' in cas ? { error: 'error parsing check-and-set parameter' } : cas;
}

const maxKeys = 64;
const maxKeyLength = 128;
const maxValueLength = 512;
const prefix = 'custom_metadata validation failed';

/**
 * custom_metadata as path_metadata.go takes it: parseCustomMetadata (values weakly decoded to strings),
 * then validateCustomMetadata: at most 64 keys; keys 1–128 and values 1–512 bytes; no unprintable
 * characters. Every problem is reported, in go-multierror's format, as Vault does.
 */
export function parseCustomMetadata(raw: unknown): Decoded<Record<string, string>> {
  const map = weakMap(raw);
  if ('error' in map) return { error: fieldError('custom_metadata', raw, map.error) };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map.value)) {
    const s = weakString(v);
    if ('error' in s) return { error: `${prefix}: '' ${s.error}` };
    out[k] = s.value;
  }
  const keys = Object.keys(out).sort();
  if (keys.length > maxKeys) {
    return { error: multiError([`${prefix}: payload must contain at most ${maxKeys} keys, provided ${keys.length}`]) };
  }
  const errors: string[] = [];
  for (const key of keys) {
    const value = out[key] ?? '';
    const keyLen = goLen(key);
    const valueLen = goLen(value);
    if (keyLen === 0 || keyLen > maxKeyLength) {
      errors.push(`${prefix}: length of key ${goQuote(key)} is ${keyLen} but must be 0 < len(key) <= ${maxKeyLength}`);
    }
    if (valueLen === 0 || valueLen > maxValueLength) {
      errors.push(
        `${prefix}: length of value for key ${goQuote(key)} is ${valueLen} but must be 0 < len(value) <= ${maxValueLength}`,
      );
    }
    if (!isPrintable(key)) errors.push(`${prefix}: key ${goQuote(key)} (${key}) contains unprintable characters`);
    if (!isPrintable(value)) errors.push(`${prefix}: value for key ${goQuote(key)} contains unprintable characters`);
  }
  return errors.length > 0 ? { error: multiError(errors) } : { value: out };
}
