import { readFile } from 'node:fs/promises';
import type NodeVault from 'node-vault';
import { Misconfigured, PermissionDenied } from '../errors/index.js';
import type { VaultConfig } from './schema.js';
import { authResponseSchema } from './kvResponses.js';
import { classifyVaultError, httpErrorOf } from './vaultErrors.js';

export interface LoginResult {
  token: string;
  granted?: { ttl: number; renewable: boolean };
}

/** How the session gets a token. */
export interface Authenticator {
  readonly method: VaultConfig['auth']['method'];
  /** AppRole and Kubernetes can fetch a fresh token; a configured token cannot be replaced. */
  readonly canLogin: boolean;
  /**
   * Gets a token, using `client` (which holds no token) for the login call. Returns the token and, when
   * the login answered one, its TTL (seconds, 0 = none); undefined TTL means "ask lookup-self".
   */
  login(client: NodeVault.client): Promise<LoginResult>;
}

/** Reads a credential file; the error names the setting and the errno, never the content. */
async function readCredential(file: string, setting: string): Promise<string> {
  try {
    const value = (await readFile(file, 'utf8')).trim();
    if (value.length === 0) throw new Misconfigured(`vault.auth.${setting} (${file}) is empty`);
    return value;
  } catch (err) {
    if (err instanceof Misconfigured) throw err;
    const code = (err as { code?: unknown }).code;
    throw new Misconfigured(
      `cannot read vault.auth.${setting} (${file})${typeof code === 'string' ? `: ${code}` : ''}`,
    );
  }
}

async function loginWith(client: NodeVault.client, path: string, call: () => Promise<unknown>): Promise<LoginResult> {
  let raw: unknown;
  try {
    raw = await call();
  } catch (err) {
    const http = httpErrorOf(err);
    // A refused login is a configuration problem (wrong role, stale secret_id), not something to retry.
    if (http?.status === 400)
      throw new Misconfigured(`Vault refused the login at ${path} (400): check the credentials`);
    if (http?.status === 403) throw new PermissionDenied(`Vault refused the login at ${path} (403)`, { status: 403 });
    throw classifyVaultError(err, { action: 'log in', path, capability: 'update' });
  }
  const parsed = authResponseSchema.safeParse(raw);
  if (!parsed.success) throw new Misconfigured(`Vault's answer to ${path} carried no token`);
  // node-vault keeps the token it logged in with; the login client must stay token-less.
  client.token = '';
  const { client_token: token, lease_duration: ttl, renewable } = parsed.data.auth;
  return { token, granted: { ttl, renewable } };
}

export function makeAuthenticator(auth: VaultConfig['auth']): Authenticator {
  switch (auth.method) {
    case 'token':
      return {
        method: 'token',
        canLogin: false,
        async login() {
          return { token: auth.token };
        },
      };
    case 'approle':
      return {
        method: 'approle',
        canLogin: true,
        async login(client) {
          // Files are read at every login: a secret_id delivered by an agent may have been replaced.
          const roleId = auth.roleId ?? (await readCredential(auth.roleIdFile ?? '', 'roleIdFile'));
          const secretId = auth.secretId ?? (await readCredential(auth.secretIdFile ?? '', 'secretIdFile'));
          const path = `auth/${auth.mountPath}/login`;
          return loginWith(client, path, () =>
            client.approleLogin({ mount_point: auth.mountPath, role_id: roleId, secret_id: secretId }),
          );
        },
      };
    case 'kubernetes':
      return {
        method: 'kubernetes',
        canLogin: true,
        async login(client) {
          // The kubelet rotates projected service-account tokens: read the file each time.
          const jwt = await readCredential(auth.jwtPath, 'jwtPath');
          const path = `auth/${auth.mountPath}/login`;
          return loginWith(client, path, () =>
            client.kubernetesLogin({ mount_point: auth.mountPath, role: auth.role, jwt }),
          );
        },
      };
  }
}
