import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names whose values are secrets wherever they appear (up to three objects down). Redaction is the
 * second line of defence: the first is never putting a secret into a log object at all.
 */
const secretKeys = [
  'password',
  'newPassword',
  'oldPassword',
  'original_password',
  'newPwd',
  'oldPwd',
  'new_password',
  'token',
  'accessToken',
  'refreshToken',
  'clientToken',
  'client_token',
  'secret',
  'secretId',
  'secret_id',
  'sk',
  'ak',
  'appKey',
  'authorization',
  'Authorization',
  'x-auth-token',
  'X-Auth-Token',
  'x-subject-token',
  'X-Subject-Token',
  'x-access-token',
  'X-Access-Token',
  'x-vault-token',
  'X-Vault-Token',
  'jwt',
];

const secretKeySet = new Set(secretKeys);
/** A secret-named key is censored at the top of a line and up to three objects down (`*.*.*.key`). */
const redactDepth = 4;
const censor = '[redacted]';

/**
 * The line's fields with every secret-named key's value replaced by `[redacted]`, at any depth up to
 * `redactDepth`. One walk over the fields (pino's wildcard path redaction ran its paths over every
 * value of every line, about 0.2 ms a line); objects are copied only on the way to a censored key, so
 * the caller's object is never changed. Fields with a serializer (`err`, `error`) are left to it: it
 * keeps only name, message, codes and cause.
 */
export function redactSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  return censored(fields, 1, true) as Record<string, unknown>;
}

function censored(value: unknown, depth: number, top = false): unknown {
  if (value === null || typeof value !== 'object' || depth > redactDepth) return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (top && (key === 'err' || key === 'error')) continue;
    const inner = source[key];
    const next = secretKeySet.has(key) ? censor : censored(inner, depth + 1);
    if (next === inner) continue;
    copy ??= Array.isArray(value) ? [...(value as unknown[])] : { ...source };
    (copy as Record<string, unknown>)[key] = next;
  }
  return copy ?? value;
}

/** How many `cause` links an error line follows (a cycle or a long chain stops here). */
const maxCauseDepth = 3;

/**
 * Serialises an error as `name`, `message`, `code` and, when known, the upstream `status`,
 * `upstreamCode` and `requestId`, plus its `cause` in the same shape. Nothing else: no stack (a
 * log line is for an operator, and eight lines of frames per retry drown the signal), and no other
 * property, because HTTP client errors carry the request (options.json, headers, body) and the
 * response body, which must never reach a log line. Unknown properties are dropped, not copied.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  return serializeAt(err, 0);
}

function serializeAt(err: unknown, depth: number): Record<string, unknown> {
  if (!isErrorLike(err)) {
    // A plain object may be a whole HTTP response: only its type is safe to show.
    return { message: typeof err === 'object' && err !== null ? 'a non-Error object was thrown' : String(err) };
  }
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const { code, details, response } = err as { code?: unknown; details?: unknown; response?: unknown };
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  const upstream = isRecord(details) ? details : {};
  const status = upstream.status ?? (isRecord(response) ? response.statusCode : undefined);
  if (typeof status === 'number') out.status = status;
  if (typeof upstream.upstreamCode === 'string') out.upstreamCode = upstream.upstreamCode;
  if (typeof upstream.requestId === 'string') out.requestId = upstream.requestId;
  // Only an Error is a cause worth showing (got sets a response object as the cause of HTTPError).
  if (isErrorLike(err.cause) && depth < maxCauseDepth) out.cause = serializeAt(err.cause, depth + 1);
  return out;
}

/** An Error, also one made in another realm (a VM context, a worker) where `instanceof Error` is false. */
function isErrorLike(value: unknown): value is Error {
  if (value instanceof Error) return true;
  if (value === null || typeof value !== 'object') return false;
  const { name, message } = value as { name?: unknown; message?: unknown };
  return (
    typeof name === 'string' &&
    typeof message === 'string' &&
    Object.prototype.toString.call(value) === '[object Error]'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

export interface LoggerSettings {
  level?: string;
  /** Pretty output; defaults to "stdout is a TTY". */
  pretty?: boolean;
  /** Where lines go; tests pass a capture stream. */
  destination?: DestinationStream;
  name?: string;
}

export function makeLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    name: settings.name ?? 'rotor',
    level: settings.level ?? process.env.ROTOR_LOG_LEVEL ?? 'info',
    // Secret-named fields of a line at any depth up to 4 (one walk, below); pino's own path redaction,
    // for top-level names only (it costs nothing then), also covers child bindings, which pino does
    // not hand to a formatter (bindings are flat: ids, kinds, attempts).
    redact: { paths: secretKeys.map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`)), censor },
    formatters: { log: redactSecrets },
    serializers: { err: serializeError, error: serializeError },
  };
  if (settings.destination) return pino(options, settings.destination);
  const pretty = settings.pretty ?? process.stdout.isTTY === true;
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, destination: 1 } } });
  }
  return pino(options);
}

/** A logger that drops everything (library use without a logger). */
export const silentLogger: Logger = pino({ level: 'silent' });
