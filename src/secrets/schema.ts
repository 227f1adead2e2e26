import { z } from 'zod';

const tokenAuth = z
  .object({
    method: z.literal('token'),
    /** Interpolated from the environment (`${VAULT_TOKEN}`); never written inline. */
    token: z.string().min(1, 'expected a Vault token (set VAULT_TOKEN)'),
  })
  .strict();

const appRoleAuth = z
  .object({
    method: z.literal('approle'),
    roleId: z.string().min(1).optional(),
    roleIdFile: z.string().min(1).optional(),
    secretId: z.string().min(1).optional(),
    secretIdFile: z.string().min(1).optional(),
    mountPath: z.string().default('approle'),
  })
  .strict()
  .refine((a) => (a.roleId ?? a.roleIdFile) !== undefined, {
    message: 'expected roleId or roleIdFile',
    path: ['roleId'],
  })
  .refine((a) => (a.secretId ?? a.secretIdFile) !== undefined, {
    message: 'expected secretId or secretIdFile',
    path: ['secretId'],
  });

const kubernetesAuth = z
  .object({
    method: z.literal('kubernetes'),
    role: z.string().min(1),
    jwtPath: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
    mountPath: z.string().default('kubernetes'),
  })
  .strict();

export const vaultConfigSchema = z
  .object({
    address: z.url({ protocol: /^https?$/ }),
    auth: z.discriminatedUnion('method', [tokenAuth, appRoleAuth, kubernetesAuth]),
    /** KV version 2 mount. */
    mount: z.string().min(1).default('secret'),
    /** Where pending records live below the mount: `{mount}/data/{statePrefix}/{targetId}`. */
    statePrefix: z.string().min(1).default('rotor/state'),
    /** Every Vault request gives up after this long (node-vault has no timeout of its own). */
    timeoutMs: z.number().int().positive().default(10_000),
    /** PEM CA bundle for Vault's certificate; verification stays on. */
    caFile: z.string().min(1).optional(),
  })
  .strict();

export type VaultConfig = z.infer<typeof vaultConfigSchema>;
