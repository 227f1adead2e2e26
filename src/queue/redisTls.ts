import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { RedisOptions } from 'ioredis';
import type { RedisTlsConfig } from '../config/redisSchema.js';

export type { RedisTlsConfig } from '../config/redisSchema.js';

/** Where and how to reach one Redis (or every node of a cluster): URL, TLS files and the ACL user. */
export interface RedisEndpoint {
  url: string;
  tls?: RedisTlsConfig;
  /** ACL user; overrides none given in the URL (the config refuses both). */
  username?: string;
  /** The ACL user's password, from the environment (`${ROTOR_REDIS_PASSWORD}`); never logged. */
  password?: string;
}

function readPem(file: string, field: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read redis.tls.${field} (${file})${code ? `: ${code}` : ''}`);
  }
}

/** Node TLS options for `redis.tls`: files read now, verification left on. */
export function tlsConnectionOptions(tls: RedisTlsConfig): ConnectionOptions {
  return {
    ...(tls.caFile ? { ca: readPem(tls.caFile, 'caFile') } : {}),
    ...(tls.certFile ? { cert: readPem(tls.certFile, 'certFile') } : {}),
    ...(tls.keyFile ? { key: readPem(tls.keyFile, 'keyFile') } : {}),
    ...(tls.servername ? { servername: tls.servername } : {}),
  };
}

/**
 * The ioredis options an endpoint adds to its URL: the ACL user and, for `rediss://`, TLS with the
 * configured CA, client certificate and server name. Credentials in the URL apply too (ioredis reads
 * them from the URL first).
 */
export function endpointOptions(endpoint: RedisEndpoint): RedisOptions {
  const parsed = new URL(endpoint.url);
  const secure = parsed.protocol === 'rediss:';
  return {
    ...(endpoint.username ? { username: endpoint.username } : {}),
    ...(endpoint.password ? { password: endpoint.password } : {}),
    ...(secure ? { tls: endpoint.tls ? tlsConnectionOptions(endpoint.tls) : {} } : {}),
  };
}

/** TLS verification failures (Node's and OpenSSL's codes): the fix is a CA or a server name. */
const verifyCodes =
  /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/**
 * A sentence for why a connection to Redis failed, with the config field that fixes it; undefined
 * when the error says nothing more specific than "no answer". Never echoes the password.
 */
export function describeRedisFailure(failure: unknown, endpoint: RedisEndpoint): string | undefined {
  // Duck-typed: socket and TLS errors may come from another realm than this module's Error.
  if (failure === null || typeof failure !== 'object') return undefined;
  const err = failure as { code?: unknown; message?: unknown };
  if (typeof err.message !== 'string') return undefined;
  const code = typeof err.code === 'string' ? err.code : '';
  const where = `Redis at ${safeUrl(endpoint.url)}`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `${where}: its TLS certificate does not name this host (${err.message}); set redis.tls.servername to the name it carries`;
  }
  if (verifyCodes.test(code)) {
    const ca = endpoint.tls?.caFile
      ? `redis.tls.caFile (${endpoint.tls.caFile}) did not sign it`
      : 'no redis.tls.caFile is set';
    return `${where}: its TLS certificate was not accepted (${code}: ${err.message}): ${ca}; set redis.tls.caFile to the CA that signed Redis's certificate`;
  }
  if (/CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN/i.test(code)) {
    return `${where} refused rotor's client certificate (${code}): set redis.tls.certFile and redis.tls.keyFile to a certificate its tls-ca-cert-file trusts`;
  }
  if (/WRONGPASS|NOAUTH|NOPERM/.test(err.message)) {
    const user = endpoint.username ?? (decodeURIComponent(new URL(endpoint.url).username) || 'default');
    return `${where} refused the login of ACL user "${user}" (${err.message.split(' ')[0]}): check redis.username and redis.password (e.g. ROTOR_REDIS_PASSWORD)`;
  }
  if (code === 'ECONNRESET') {
    // A TLS port read plain text, or a Redis that checks client certificates got none it trusts:
    // both just close the connection, so the likely fix depends on what was configured.
    const secure = endpoint.url.startsWith('rediss:');
    if (!secure) return `${where} closed the connection (ECONNRESET): if that port speaks TLS, use a rediss:// url`;
    if (!endpoint.tls?.certFile) {
      return `${where} closed the TLS connection (ECONNRESET): a Redis with tls-auth-clients wants a client certificate; set redis.tls.certFile and redis.tls.keyFile`;
    }
    return `${where} closed the TLS connection (ECONNRESET): its tls-ca-cert-file may not trust redis.tls.certFile (${endpoint.tls.certFile})`;
  }
  if (/^(EPROTO|ERR_SSL_)/.test(code) || /wrong version number|packet length too long/i.test(err.message)) {
    return `${where}: the TLS handshake failed (${code || err.message}); does this port speak TLS (rediss://) or plain Redis (redis://)?`;
  }
  return undefined;
}

/** The URL without its credentials, for messages. */
export function safeUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
