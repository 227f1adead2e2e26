import { z } from 'zod';
import { durationSchema } from './duration.js';
import { scheduleSchema } from './schedule.js';
import { schedulingTargetShape } from './schedulingSchema.js';

/** A Vault KV path below the mount: no leading slash, no `data/` prefix, no `..`. */
export const secretPathSchema = z
  .string()
  .min(1)
  .regex(
    /^(?!\/)(?!data\/)(?!.*\.\.)[A-Za-z0-9._\-/]+$/,
    'expected a KV path below the mount, e.g. huawei/iam/alice (no leading "/", no "data/", no "..")',
  );

/** An HTTPS (or loopback HTTP) base URL. */
export const endpointSchema = z.url({
  protocol: /^https?$/,
  error: 'expected a URL like https://host[:port] (http:// only for a local simulator)',
});

/** One account of an alternating target: a name, and the kind's fields that differ from the target's. */
export const alternatingAccountSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected letters, digits, ".", "_" and "-", 1-64 characters'),
  })
  .catchall(z.unknown());

/**
 * Fields every target has, whatever its kind. Each connector's schema extends this shape, so
 * the config has one strict object per kind and a typo in any field is rejected.
 */
export const targetCommonShape = {
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
      'expected letters, digits, ".", "_" and "-" (no ":"), 1-128 characters',
    ),
  secretPath: secretPathSchema,
  policy: z.string().min(1).optional(),
  schedule: scheduleSchema.optional(),
  maxAge: durationSchema.optional(),
  tags: z.array(z.string().min(1)).default([]),
  /** `maintenanceWindow` and `jitter`: override the `scheduling:` defaults for this target. */
  ...schedulingTargetShape,
  /** Custom CA bundle (PEM file) for this target's endpoint; verification stays on. */
  caFile: z.string().min(1).optional(),
  /** Turns TLS verification off for this target. Logged loudly at start-up; never the default. */
  insecureSkipVerify: z.boolean().default(false),
  /**
   * `alternating`: two equivalent accounts take turns (docs/rotation.md#alternating-accounts); a
   * rotation changes the one consumers do not use, then switches them over. @defaultValue single
   */
  strategy: z.enum(['single', 'alternating']).default('single'),
  /** With `strategy: alternating`: the two accounts, each the target's fields with its own on top. */
  accounts: z.array(alternatingAccountSchema).optional(),
};
