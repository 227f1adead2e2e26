import { isIP } from 'node:net';

/** True for addresses only this host can reach: `localhost`, 127.0.0.0/8, `::1` (and its IPv4-mapped form). */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

export interface Exposure {
  host: string;
  port: number;
  token?: string;
  /** `http.allowUnauthenticated`: serve /metrics and /report beyond loopback without a token, on purpose. */
  allowUnauthenticated?: boolean;
}

/**
 * Why the HTTP server must not start as configured, or undefined when it may. `/report` is the
 * inventory of privileged accounts and their rotation state, `/metrics` names the kinds and failures:
 * beyond loopback they need a token unless the config says, in so many words, that they do not.
 */
export function exposureProblem(e: Exposure): string | undefined {
  if (e.token || e.allowUnauthenticated === true || isLoopback(e.host)) return undefined;
  return (
    `refusing to serve /metrics and /report on ${JSON.stringify(e.host)} (port ${e.port}) without a token: ` +
    'that address is not loopback, so anyone who can reach the port could read the inventory of privileged ' +
    'accounts. Fix one of: set ROTOR_HTTP_TOKEN (clients then send "Authorization: Bearer <token>"); ' +
    'or bind to 127.0.0.1 (http.host); or set http.allowUnauthenticated: true to serve them openly on purpose ' +
    '(/healthz and /readyz never need a token)'
  );
}
