import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import vault from 'node-vault';
import type NodeVault from 'node-vault';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { makeVaultStore, vaultConfigSchema, type VaultStore, type VaultStoreDeps } from '../../src/secrets/index.js';

/**
 * The Vault a contract test talks to: the emulator by default, a real Vault when VAULT_ADDR and VAULT_TOKEN
 * are set (the token must be able to write policies, create tokens and mount engines: a dev root token).
 * Setup goes through the same HTTP API in both cases, so the emulator is held to Vault's behaviour.
 */
export interface VaultUnderTest {
  kind: 'emulator' | 'real';
  address: string;
  rootToken: string;
  /** Present only on the emulator. */
  emulator: VaultEmulator | undefined;
  /** Unique per run: every path, policy and mount a test creates contains it. */
  runId: string;
  /** A node-vault client holding the root token, for seeding and inspection. */
  admin: NodeVault.client;
  /** A store for `secret/`, rooted at this run's state prefix. */
  store(overrides?: Partial<StoreSettings>, deps?: VaultStoreDeps): Promise<VaultStore>;
  /** Secret path for a test, below `huawei/` (the prefix the documented policy grants). */
  secretPath(name: string): string;
  /** Runs at close, newest first: removes policies, mounts and auth methods a test created. */
  onClose(cleanup: () => Promise<unknown>): void;
  close(): Promise<void>;
}

export interface StoreSettings {
  token: string;
  /** Replaces the token auth entirely (AppRole, Kubernetes). */
  auth: Record<string, unknown>;
  mount: string;
  timeoutMs: number;
}

export const realVault = Boolean(process.env.VAULT_ADDR && process.env.VAULT_TOKEN);

export async function vaultUnderTest(): Promise<VaultUnderTest> {
  const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const emulator = realVault ? undefined : await startVaultEmulator();
  const address = emulator?.url ?? (process.env.VAULT_ADDR as string);
  const rootToken = emulator?.rootToken ?? (process.env.VAULT_TOKEN as string);
  const admin = vault({
    apiVersion: 'v1',
    endpoint: address,
    token: rootToken,
    noCustomHTTPVerbs: true,
    requestOptions: { timeout: 5000 },
  });
  const stores: VaultStore[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const statePrefix = `rotor/state/${runId}`;

  return {
    kind: emulator ? 'emulator' : 'real',
    address,
    rootToken,
    emulator,
    runId,
    admin,
    async store(overrides = {}, deps = {}) {
      const config = vaultConfigSchema.parse({
        address,
        auth: overrides.auth ?? { method: 'token', token: overrides.token ?? rootToken },
        mount: overrides.mount ?? 'secret',
        statePrefix,
        timeoutMs: overrides.timeoutMs ?? 3000,
      });
      const store = await makeVaultStore(config, deps);
      stores.push(store);
      return store;
    },
    secretPath: (name) => `huawei/${runId}/${name}`,
    onClose: (cleanup) => void cleanups.unshift(cleanup),
    async close() {
      await Promise.all(stores.map((s) => s.close()));
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
      if (emulator) {
        await emulator.close();
        return;
      }
      // Real Vault: remove what this run wrote.
      for (const prefix of [`huawei/${runId}`, statePrefix]) await deleteTree(admin, `secret/metadata/${prefix}`);
    },
  };
}

async function deleteTree(admin: NodeVault.client, path: string): Promise<void> {
  let keys: string[] = [];
  try {
    const listed = (await admin.list(path)) as { data?: { keys?: string[] } };
    keys = listed.data?.keys ?? [];
  } catch {
    return;
  }
  for (const key of keys) {
    if (key.endsWith('/')) await deleteTree(admin, `${path}/${key.slice(0, -1)}`);
    else await admin.delete(`${path}/${key}`);
  }
}

/** Writes a KV v2 secret as root; returns the new version. */
export async function seed(vut: VaultUnderTest, secretPath: string, data: Record<string, unknown>): Promise<number> {
  const answer = (await vut.admin.write(`secret/data/${secretPath}`, { data })) as { data: { version: number } };
  return answer.data.version;
}

/** A token holding only the given policy (created through `auth/token/create`, as an operator would). */
export async function tokenWithPolicy(vut: VaultUnderTest, name: string, hcl: string, ttl = '10m'): Promise<string> {
  const policy = `${name}-${vut.runId}`;
  await vut.admin.write(`sys/policies/acl/${policy}`, { policy: hcl });
  vut.onClose(() => vut.admin.delete(`sys/policies/acl/${policy}`));
  const created = (await vut.admin.write('auth/token/create', { policies: [policy], ttl })) as {
    auth: { client_token: string };
  };
  return created.auth.client_token;
}

/** Asserts (by returning the texts) that an error carries no secret in its message or JSON. */
export function errorTexts(err: unknown): string {
  const e = err as Error;
  return `${e.message}\n${JSON.stringify(e)}\n${String(e.stack)}`;
}

/** The HCL policy block of docs/vault.md: the contract suite checks that it is enough. */
export function documentedPolicy(): string {
  const doc = readFileSync(new URL('../../docs/vault.md', import.meta.url), 'utf8');
  const block = /```hcl\n([\s\S]*?)```/.exec(doc);
  if (!block?.[1]) throw new Error('docs/vault.md has no hcl block');
  return block[1];
}
