import { isRecord } from './http.js';

/**
 * Request-field decoding the way Vault's plugin framework does it (sdk/framework field_data.go, which uses
 * mapstructure's weak decoding and parseutil.ParseDurationSecond), so the emulator accepts and refuses the
 * same inputs a real Vault does. Each decoder answers the value, or the reason it could not decode.
 */
export type Decoded<T> = { value: T } | { error: string };

/** strconv.ParseInt(s, 0, 64): an optional sign, then decimal, `0x`, `0o`, `0b` or a leading-0 octal. */
function parseGoInt(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2] ?? '';
  const n = /^0[0-7]+$/.test(body) ? Number.parseInt(body, 8) : Number(body);
  return m[1] === '-' ? -n : n;
}

/** mapstructure.WeakDecode into an int: integers, booleans (1/0), numeric strings ("" is 0), null is 0. */
export function weakInt(raw: unknown): Decoded<number> {
  if (raw === null || raw === undefined) return { value: 0 };
  if (typeof raw === 'boolean') return { value: raw ? 1 : 0 };
  // Vault decodes JSON numbers as json.Number; Int64() refuses a fraction.
  if (typeof raw === 'number') return Number.isInteger(raw) ? { value: raw } : { error: `cannot parse ${raw} as int` };
  if (typeof raw === 'string') {
    const n = parseGoInt(raw === '' ? '0' : raw);
    return n === undefined ? { error: `cannot parse '${raw}' as int: invalid syntax` } : { value: n };
  }
  return { error: `expected type 'int', got unconvertible type '${Array.isArray(raw) ? 'slice' : 'map'}'` };
}

/** mapstructure.WeakDecode into a bool: booleans, numbers (non-zero is true), strconv.ParseBool strings. */
export function weakBool(raw: unknown): Decoded<boolean> {
  if (raw === null || raw === undefined) return { value: false };
  if (typeof raw === 'boolean') return { value: raw };
  if (typeof raw === 'number') return { value: raw !== 0 };
  if (typeof raw === 'string') {
    if (raw === '') return { value: false };
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return { value: true };
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return { value: false };
    return { error: `cannot parse '${raw}' as bool: invalid syntax` };
  }
  return { error: `expected type 'bool', got unconvertible type` };
}

/** mapstructure.WeakDecode into a string: strings, numbers, booleans ("1"/"0"); null is "". */
export function weakString(raw: unknown): Decoded<string> {
  if (raw === null || raw === undefined) return { value: '' };
  if (typeof raw === 'string') return { value: raw };
  if (typeof raw === 'number') return { value: String(raw) };
  if (typeof raw === 'boolean') return { value: raw ? '1' : '0' };
  return { error: `expected type 'string', got unconvertible type '${Array.isArray(raw) ? 'slice' : 'map'}'` };
}

/** mapstructure.WeakDecode into map[string]interface{}: only a JSON object (null decodes to an empty map). */
export function weakMap(raw: unknown): Decoded<Record<string, unknown>> {
  if (raw === null || raw === undefined) return { value: {} };
  return isRecord(raw) ? { value: raw } : { error: `expected a map, got '${typeof raw}'` };
}

const unitSeconds: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's time.ParseDuration, in seconds: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or a bare "0". */
function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)(.*)$/.exec(s);
  const rest = m?.[2] ?? '';
  if (rest === '0') return 0;
  const part = /(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < rest.length) {
    part.lastIndex = at;
    const p = part.exec(rest);
    if (!p || p[1] === '' || p[1] === '.') return undefined;
    total += Number(p[1]) * (unitSeconds[p[2] ?? ''] ?? 0);
    at = part.lastIndex;
  }
  if (rest === '') return undefined;
  return m?.[1] === '-' ? -total : total;
}

/**
 * A TypeDurationSecond / TypeSignedDurationSecond field: a number of seconds, or a string of seconds,
 * days (`7d`) or a Go duration (`1h30m`); truncated to whole seconds. `signed: false` refuses negatives.
 */
export function durationSeconds(raw: unknown, signed: boolean): Decoded<number> {
  let seconds: number | undefined;
  // A JSON number reaches ParseDurationSecond as a json.Number string: a fraction has no unit and fails.
  if (typeof raw === 'number') seconds = Number.isInteger(raw) ? raw : undefined;
  else if (typeof raw === 'string') {
    if (raw === '') seconds = 0;
    else if (/^[+-]?\d+$/.test(raw)) seconds = Number(raw);
    else if (raw.endsWith('d')) seconds = /^[+-]?\d+d$/.test(raw) ? Number(raw.slice(0, -1)) * 86400 : undefined;
    else seconds = parseGoDuration(raw);
  }
  if (seconds === undefined) return { error: `time: invalid duration "${String(raw)}"` };
  const whole = Math.trunc(seconds);
  if (!signed && whole < 0) return { error: `cannot provide negative value '${whole}'` };
  return { value: whole + 0 };
}

/** Go's Duration.String() for whole seconds: `0s`, `45s`, `1m30s`, `1h0m0s`, `-1s`. */
export function formatGoDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

/** Go's unicode.IsPrint for every character (strutil.Printable): letters, marks, numbers, punctuation, symbols, ASCII space. */
export function isPrintable(s: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u.test(s);
}

/** Go's %q: a double-quoted string with unprintable characters escaped. */
export function goQuote(s: string): string {
  const named: Record<string, string> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
  };
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (isPrintable(ch)) out += ch;
    else if (named[ch]) out += named[ch];
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** hashicorp/go-multierror's format: `1 error occurred:\n\t* a\n\n`, `2 errors occurred:\n\t* a\n\t* b\n\n`. */
export function multiError(errors: string[]): string {
  const head = errors.length === 1 ? '1 error occurred:' : `${errors.length} errors occurred:`;
  return `${head}\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`;
}

/** Go's byte length of a string (len(s)), which is what Vault's length limits count. */
export function goLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
