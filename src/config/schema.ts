import { z } from 'zod';
import { targetSchema } from '../connectors/targetSchema.js';
import { policySchema } from '../policy/schema.js';
import { vaultConfigSchema } from '../secrets/schema.js';

const redisSchema = z
  .object({
    url: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    /** Key prefix for every queue and lock; wrap in `{...}` for Redis Cluster hash tags. */
    prefix: z.string().min(1).default('rotor'),
  })
  .strict();

const workerSchema = z
  .object({
    concurrency: z.number().int().min(1).max(1000).default(16),
  })
  .strict();

const credentialSchema = z
  .object({
    /** KV path (below the mount) of the operator credential: `{ ak, sk }` or `{ userName, password, domainName }`. */
    secretPath: z.string().min(1),
  })
  .strict();

export const configSchema = z
  .object({
    redis: redisSchema.default({ url: 'redis://127.0.0.1:6379', prefix: 'rotor' }),
    vault: vaultConfigSchema,
    worker: workerSchema.default({ concurrency: 16 }),
    policies: z.record(z.string().min(1), policySchema).default({}),
    credentials: z.record(z.string().min(1), credentialSchema).default({}),
    targets: z.array(targetSchema).default([]),
  })
  .strict();

export type RotorConfig = z.infer<typeof configSchema>;
export type { TargetConfig } from '../connectors/targetSchema.js';
