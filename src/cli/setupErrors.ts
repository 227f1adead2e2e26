import { isRotorError } from '../errors/index.js';
import type { VaultConfig } from '../secrets/index.js';

/**
 * Turns a failure to open Vault into the one line a user needs: what refused, and which setting or
 * variable fixes it. The line is built from the error's class, status and low-level code (ECONNREFUSED,
 * a TLS verification code), never from request data, and the configured credential is scrubbed from it
 * as a last guard.
 */
export function vaultSetupProblem(err: unknown, vault: VaultConfig): string {
  const at = `Vault at ${safeAddress(vault.address)}`;
  const message = err instanceof Error ? err.message : String(err);
  const code = lowLevelCode(message);
  let line = `${at}: ${message}`;
  if (isRotorError(err, 'PermissionDenied') || isRotorError(err, 'Misconfigured')) {
    const refusedLogin = /lookup-self|Vault token is invalid|refused the login/.test(message);
    const status = err.details.status;
    if (refusedLogin && (status === 403 || status === 400 || /\((400|403)\)/.test(message))) {
      line = `${at} ${refusedCredentials(vault, status ?? (message.includes('(400)') ? 400 : 403))}`;
    } else if (/TLS certificate/.test(message)) {
      line = tlsProblem(at, code, vault);
    }
  } else if (isRotorError(err, 'Unavailable')) {
    if (/sealed or not ready/.test(message)) {
      line = `${at} is sealed or not ready (503): unseal it (vault operator unseal) or wait until it is ready`;
    } else if (/did not answer/.test(message)) {
      line = `${at} did not answer within ${vault.timeoutMs} ms: is Vault running? check vault.address (and vault.timeoutMs)`;
    } else if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
      line = `${at} failed the TLS handshake (${code}): does vault.address use the right scheme (http or https) and port?`;
    } else if (code !== undefined) {
      line = `${at} is unreachable (${code}): is Vault running? check vault.address`;
    }
  }
  return scrub(line, vault);
}

function refusedCredentials(vault: VaultConfig, status: number): string {
  const why = status === 403 ? '403 permission denied' : `${status} bad request`;
  switch (vault.auth.method) {
    case 'token':
      return `refused the token (${why}): check VAULT_TOKEN (vault.auth.token): it must be a valid, unexpired token with the default policy`;
    case 'approle':
      return `refused the AppRole login at auth/${vault.auth.mountPath}/login (${why}): check vault.auth roleId and secretId (or their files)`;
    case 'kubernetes':
      return `refused the Kubernetes login at auth/${vault.auth.mountPath}/login (${why}): check vault.auth.role and the service-account token at vault.auth.jwtPath`;
  }
}

function tlsProblem(at: string, code: string | undefined, vault: VaultConfig): string {
  const head = `TLS certificate of ${at} refused${code ? ` (${code})` : ''}`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `${head}: it is not issued for this host name; put the name it is issued for in vault.address`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `${head}: the certificate is outside its validity period; renew it (and check this machine's clock)`;
  }
  if (vault.caFile) return `${head}: vault.caFile (${vault.caFile}) does not hold the CA that signed it`;
  return `${head}: set vault.caFile to the PEM file of the CA that signed it`;
}

/** ECONNREFUSED, ENOTFOUND, a TLS verification code: the upper-case word a classified message ends with. */
function lowLevelCode(message: string): string | undefined {
  return /:\s([A-Z][A-Z0-9_]{2,63})(?:;|$)/.exec(message)?.[1];
}

/** The address without user info (`https://user:pass@host` must not be echoed). */
export function safeAddress(address: string): string {
  return address.replace(/\/\/[^@/]*@/, '//***@').replace(/\/+$/, '');
}

/** Removes the configured credentials from a line, whatever put them there. */
function scrub(line: string, vault: VaultConfig): string {
  const secrets = [
    readSafely(() => (vault.auth.method === 'token' ? vault.auth.token : undefined)),
    readSafely(() => (vault.auth.method === 'approle' ? vault.auth.secretId : undefined)),
  ];
  let out = line;
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/** A credential left unset at load throws when read (config/lazyCredentials.ts): then there is nothing to scrub. */
function readSafely(read: () => string | undefined): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
