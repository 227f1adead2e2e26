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
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.targets.forEach((target, index) => {
      const first = seen.get(target.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', index, 'id'],
          message: `expected a unique target id, got "${target.id}" (also targets[${first}].id)`,
        });
      } else {
        seen.set(target.id, index);
      }
      if (target.policy !== undefined && !(target.policy in config.policies)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', index, 'policy'],
          message: `expected one of the policies defined under policies: (${Object.keys(config.policies).join(' | ') || 'none defined'}), got "${target.policy}"`,
        });
      }
      for (const field of ['operator', 'adminCredential'] as const) {
        const name = field in target ? (target as Record<string, unknown>)[field] : undefined;
        if (typeof name === 'string' && !(name in config.credentials)) {
          ctx.addIssue({
            code: 'custom',
            path: ['targets', index, field],
            message: `expected one of the credentials defined under credentials: (${Object.keys(config.credentials).join(' | ') || 'none defined'}), got "${name}"`,
          });
        }
      }
    });
  });

export type RotorConfig = z.infer<typeof configSchema>;
export type { TargetConfig } from '../connectors/targetSchema.js';
