/**
 * The audit log is kept for years and copied to archives: a secret written there cannot be taken
 * back. Events are built from ids, steps and codes, so this guard should never fire; when it does, the
 * event is refused (not redacted) so the bug surfaces instead of hiding.
 */

/** Field names (compared lower-case, without `-` and `_`) that only ever hold secrets. */
const secretNames = new Set([
  'password',
  'newpassword',
  'oldpassword',
  'originalpassword',
  'passwd',
  'pwd',
  'newpwd',
  'oldpwd',
  'passphrase',
  'token',
  'accesstoken',
  'refreshtoken',
  'clienttoken',
  'authtoken',
  'vaulttoken',
  'xauthtoken',
  'xsubjecttoken',
  'xaccesstoken',
  'xvaulttoken',
  'secret',
  'clientsecret',
  'secretid',
  'secretkey',
  'sk',
  'ak',
  'accesskey',
  'appkey',
  'apikey',
  'privatekey',
  'authorization',
  'cookie',
  'jwt',
  'credentials',
]);

/** Value shapes that are credentials whatever field they sit in. */
const secretValuePatterns: Array<[RegExp, string]> = [
  [/^bearer\s+\S+/i, 'a bearer token'],
  [/^basic\s+[A-Za-z0-9+/=]{8,}$/i, 'a basic-auth header'],
  [/\bhv[sbr]\.[A-Za-z0-9_-]{20,}/, 'a Vault token'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JWT'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b(?:password|passwd|pwd|secret|token)\s*[=:]\s*\S+/i, 'a key=value credential'],
];

/**
 * What every pattern above needs somewhere in the text: a text without any of these cannot match one,
 * so most texts (ids, times, step names) cost one search instead of one per pattern.
 */
const secretValueHint = /bearer|basic|hv[sbr]\.|eyJ|-----BEGIN|(?:password|passwd|pwd|secret|token)\s*[=:]/i;

/** True when a text is shaped like a credential (a bearer token, a Vault token, a JWT, `password=...`, ...). */
export function valueLooksSecret(value: string): boolean {
  return secretValueHint.test(value) && secretValuePatterns.some(([pattern]) => pattern.test(value));
}

export class AuditSecretRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditSecretRefused';
  }
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

// Events use a few dozen field names over and over: each is judged once (bounded, in case of many).
const judgedNames = new Map<string, boolean>();

/** True for field names that hold secrets: the list above, and anything ending in password/token/secret. */
export function isSecretFieldName(name: string): boolean {
  let secret = judgedNames.get(name);
  if (secret === undefined) {
    const n = normalise(name);
    secret = secretNames.has(n) || /(password|passwd|token|secret)$/.test(n);
    if (judgedNames.size >= 10_000) judgedNames.clear();
    judgedNames.set(name, secret);
  }
  return secret;
}

/**
 * Throws AuditSecretRefused when any field of `event` (at any depth) is named like a secret or holds a
 * value shaped like a credential. The message names the field, never the value.
 */
export function assertNoSecret(event: unknown, path = 'event'): void {
  if (typeof event === 'string') {
    if (!secretValueHint.test(event)) return;
    for (const [pattern, what] of secretValuePatterns) {
      if (pattern.test(event)) throw new AuditSecretRefused(`audit: refused ${path}: its value looks like ${what}`);
    }
    return;
  }
  if (event === null || typeof event !== 'object') return;
  if (Array.isArray(event)) {
    event.forEach((item, i) => assertNoSecret(item, `${path}[${i}]`));
    return;
  }
  const record = event as Record<string, unknown>;
  // for…in over own keys, not Object.entries: every audit event passes here, and the pairs are garbage.
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    if (isSecretFieldName(key)) {
      throw new AuditSecretRefused(`audit: refused ${path}.${key}: a field named like a secret`);
    }
    // Numbers, booleans and absent values hold nothing to check: no path text is built for them.
    if (typeof value === 'string' || (value !== null && typeof value === 'object')) {
      assertNoSecret(value, `${path}.${key}`);
    }
  }
}
