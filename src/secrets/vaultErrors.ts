import { z } from 'zod';
import { Misconfigured, PermissionDenied, RotorError, Unavailable } from '../errors/index.js';

/** What rotor was doing when Vault answered: named in every error, never with a value in it. */
export interface VaultOp {
  /** A few words: "read secret", "write pending record", "stamp custom_metadata". */
  action: string;
  /** The Vault API path, e.g. `secret/data/huawei/iam/alice`. */
  path: string;
  /** The ACL capability the call needs on `path`. */
  capability: 'read' | 'create' | 'update' | 'delete' | 'list';
}

const errorsBodySchema = z.object({ errors: z.array(z.unknown()) });

/** The status and body of a node-vault API error, or undefined for network errors and timeouts. */
export function httpErrorOf(err: unknown): { status: number; body: unknown } | undefined {
  // Asked of every failed request (a missing pending record is one each rotation): a plain check.
  if (typeof err !== 'object' || err === null) return undefined;
  const response: unknown = (err as { response?: unknown }).response;
  if (typeof response !== 'object' || response === null) return undefined;
  const { statusCode, body } = response as { statusCode?: unknown; body?: unknown };
  return typeof statusCode === 'number' && Number.isInteger(statusCode) ? { status: statusCode, body } : undefined;
}

/** A 404 body with error strings is a routing failure (no such mount/path), not a missing key. */
export function isRouteNotFound(body: unknown): boolean {
  const parsed = errorsBodySchema.safeParse(body);
  return parsed.success && parsed.data.errors.length > 0;
}

/** A 404 with the plain `{"errors":[]}` body: the key or version does not exist. */
export function isPlainNotFound(body: unknown): boolean {
  const parsed = errorsBodySchema.safeParse(body);
  return parsed.success && parsed.data.errors.length === 0;
}

const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
]);

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code) ? code : undefined;
}

/**
 * Turns whatever node-vault threw into rotor's error vocabulary, by status code and body shape only.
 * The original error is deliberately not attached as `cause`: axios errors carry the request's headers
 * (the Vault token) and body (the password).
 */
export function classifyVaultError(err: unknown, op: VaultOp, timeoutMs?: number): RotorError {
  if (err instanceof RotorError) return err;
  const http = httpErrorOf(err);
  const where = `${op.action} (${op.path})`;
  if (!http) {
    const code = errorCode(err);
    if (code && tlsCodes.has(code)) {
      return new Misconfigured(
        `Vault's TLS certificate was not accepted during ${where}: ${code}; set vault.caFile to the CA that signed it`,
      );
    }
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      const limit = timeoutMs === undefined ? '' : ` within ${timeoutMs} ms`;
      return new Unavailable(`Vault did not answer${limit} during ${where}`);
    }
    return new Unavailable(`Vault could not be reached during ${where}${code ? `: ${code}` : ''}`);
  }
  const { status } = http;
  const details = { status };
  if (status === 403) {
    return new PermissionDenied(`Vault denied ${op.action}: the token needs "${op.capability}" on ${op.path}`, details);
  }
  if (status === 503) return new Unavailable(`Vault is sealed or not ready (503) during ${where}`, details);
  if (status === 429) return new Unavailable(`Vault rate-limited ${where} (429)`, details);
  if (status === 412) return new Unavailable(`Vault was not yet consistent for ${where} (412)`, details);
  if (status >= 500) return new Unavailable(`Vault failed ${where} with status ${status}`, details);
  if (status === 404 && isRouteNotFound(http.body)) {
    return new Misconfigured(`Vault has no handler for ${op.path} during ${op.action}: check vault.mount`, details);
  }
  return new Misconfigured(`Vault rejected ${where} with status ${status}`, details);
}
