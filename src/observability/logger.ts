import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names whose values are secrets wherever they appear (any depth up to 3). Redaction is the
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

export const redactPaths = secretKeys.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = key.startsWith('[') ? '' : '.';
  return [key, `*${dot}${key}`, `*.*${dot}${key}`, `*.*.*${dot}${key}`];
});

/**
 * Serialises an error as name, message, code and upstream details only. HTTP client errors carry the
 * request (options.json, headers, body) and the response body: none of that may reach a log line,
 * so unknown properties are dropped rather than copied.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const out: Record<string, unknown> = { type: err.name, message: err.message };
  const { code, details } = err as { code?: unknown; details?: unknown };
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (details && typeof details === 'object') out.details = details;
  const stack = stdSerializers.err(err).stack;
  if (stack) out.stack = stack.split('\n').slice(0, 8).join('\n');
  if (err.cause !== undefined) out.cause = serializeError(err.cause);
  return out;
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
    redact: { paths: redactPaths, censor: '[redacted]' },
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
