import { z } from 'zod';

/**
 * The shapes of the Vault responses rotor reads. node-vault types every response `any`; each one is
 * parsed here before use, so a response of the wrong shape (a KV v1 mount, a proxy's HTML page) is
 * noticed rather than read as an empty secret.
 */

const customMetadata = z.record(z.string(), z.string()).nullable().optional();

export const versionMetadataSchema = z.object({
  version: z.number().int(),
  created_time: z.string(),
  deletion_time: z.string().optional().default(''),
  destroyed: z.boolean().optional().default(false),
  custom_metadata: customMetadata,
});

/** `GET {mount}/data/{path}`: 200 with data, or 404 with `data: null` for a deleted/destroyed version. */
export const kvReadSchema = z.object({
  data: z.object({
    data: z.record(z.string(), z.unknown()).nullable(),
    metadata: versionMetadataSchema,
  }),
});

/** `POST {mount}/data/{path}`: the new version's metadata. */
export const kvWriteSchema = z.object({ data: versionMetadataSchema });

export const kvMetadataSchema = z.object({
  data: z.object({
    current_version: z.number().int(),
    oldest_version: z.number().int(),
    max_versions: z.number().int(),
    cas_required: z.boolean().optional().default(false),
    created_time: z.string(),
    updated_time: z.string(),
    custom_metadata: customMetadata,
    versions: z.record(
      z.string(),
      z.object({
        created_time: z.string(),
        deletion_time: z.string().optional().default(''),
        destroyed: z.boolean().optional().default(false),
      }),
    ),
  }),
});

/** `GET sys/internal/ui/mounts/{path}`. */
export const uiMountSchema = z.object({
  data: z.object({
    type: z.string(),
    path: z.string(),
    options: z.record(z.string(), z.unknown()).nullable().optional(),
  }),
});

export const authResponseSchema = z.object({
  auth: z.object({
    client_token: z.string().min(1),
    lease_duration: z.number().int().nonnegative(),
    renewable: z.boolean(),
  }),
});

export const lookupSelfSchema = z.object({
  data: z.object({
    ttl: z.number().int().nonnegative(),
    creation_ttl: z.number().int().nonnegative().optional(),
    renewable: z.boolean().optional().default(false),
  }),
});

export const healthSchema = z.object({
  initialized: z.boolean(),
  sealed: z.boolean(),
  standby: z.boolean().optional().default(false),
  version: z.string().optional(),
});

export const capabilitiesSchema = z.record(z.string(), z.unknown());

/** The pending record as stored (`{mount}/data/{statePrefix}/{targetId}`). */
export const pendingRecordSchema = z.object({
  password: z.string().min(1),
  rotation_id: z.string().min(1),
  started_at: z.string().min(1),
  step: z.string().min(1),
  from_version: z.number().int().nonnegative(),
  /** Alternating targets: the account whose password is being changed. */
  account: z.string().min(1).optional(),
});
