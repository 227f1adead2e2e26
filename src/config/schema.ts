import { z } from 'zod';
import { connectors, targetSchema, targetSchemaOf, type ConnectorRegistry } from '../connectors/registry.js';
import { policySchema } from '../policy/schema.js';
import { vaultConfigSchema } from '../secrets/schema.js';
import { eventsSchema } from '../events/schema.js';
import { durationSchema } from './duration.js';
import { hasHashTag, redisClusterSchema, redisTlsSchema } from './redisSchema.js';
import { schedulingSchema } from './schedulingSchema.js';
import { shareEqualParts } from './sharedParts.js';

const redisSchema = z
  .object({
    url: z
      .url({ protocol: /^rediss?$/, error: 'expected a Redis URL like redis://host:6379 (rediss:// for TLS)' })
      .default('redis://127.0.0.1:6379'),
    /** Key prefix for every queue and lock; wrap in `{...}` for Redis Cluster hash tags. */
    prefix: z.string().min(1).default('rotor'),
    /** Seed nodes of a Redis Cluster; the prefix then needs a `{hash tag}`, e.g. "{rotor}". */
    cluster: redisClusterSchema.optional(),
    /** ACL user and its password (from the environment: `${ROTOR_REDIS_PASSWORD}`); for every node. */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** Private CA, client certificate, server name for `rediss://`; for every node. */
    tls: redisTlsSchema.optional(),
  })
  .strict()
  .refine((r) => !r.cluster || hasHashTag(r.prefix), {
    message: 'with redis.cluster the prefix needs a hash tag, e.g. "{rotor}", so each queue stays in one slot',
    path: ['prefix'],
  })
  .refine((r) => !r.tls || r.url.startsWith('rediss://'), {
    message: 'expected a rediss:// url when redis.tls is set (TLS); redis:// would connect in plain text',
    path: ['url'],
  })
  .refine((r) => !(r.username || r.password) || !/^rediss?:\/\/[^/]*@/.test(r.url), {
    message: 'expected the ACL user in one place: redis.username and redis.password, or the url, not both',
    path: ['url'],
  });

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

const alertsSchema = z
  .object({
    webhook: z
      .object({
        /** Receives a JSON POST on a final failure and on out-of-sync; never a secret in it. */
        url: z.url({ protocol: /^https?$/, error: 'expected a URL like https://hooks.example.com/rotor' }),
        timeoutMs: z.number().int().positive().default(5_000),
        retries: z.number().int().min(0).max(10).default(3),
        /** e.g. `{ Authorization: "Bearer ${ROTOR_WEBHOOK_TOKEN}" }` — interpolated from the environment. */
        headers: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .optional(),
  })
  .strict();

const rotationSchema = z
  .object({
    /** Tries per rotation job before it fails for good (and alerts). */
    attempts: z.number().int().min(1).max(50).default(8),
    /** The per-target Redis lock's lifetime, renewed while a rotation runs; a killed worker's lock frees after it. */
    lockTtlMs: z.number().int().min(1_000).default(30_000),
    /** BullMQ job lock: a killed worker's job is handed on after about lockDurationMs + stalledIntervalMs. */
    lockDurationMs: z.number().int().min(1_000).default(30_000),
    stalledIntervalMs: z.number().int().min(500).default(15_000),
    /** How long the IAM account password policy read from the target is reused. */
    accountPolicyTtlMs: z
      .number()
      .int()
      .min(0)
      .default(15 * 60_000),
    /** SIGTERM/SIGINT: how long active rotations may take to finish before the worker exits. */
    shutdownTimeoutMs: z.number().int().min(0).default(30_000),
  })
  .strict();

const auditSchema = z
  .object({
    /** Mirror the audit chain into this JSON Lines file (fsynced); set it on one process only. */
    archiveFile: z.string().min(1).optional(),
    /** The control mapping of the compliance report (YAML); absent = the one rotor ships (config/controls.yaml). */
    controls: z.string().min(1).optional(),
    /**
     * How often `rotor run` / `rotor worker` write the chain head to Vault (`{statePrefix}/audit-anchors`):
     * the window in which a rewrite of the newest events goes unnoticed by `rotor audit verify`.
     */
    anchorEvery: durationSchema
      .refine((ms) => ms >= 10_000, { message: 'expected at least 10s: every anchor is a Vault write' })
      .default(5 * 60_000),
    /** `rotor audit report --sign`: the Ed25519 private key, from a PEM file or a KV secret (field privateKey). */
    signing: z
      .object({ keyFile: z.string().min(1).optional(), vaultPath: z.string().min(1).optional() })
      .strict()
      .refine((s) => (s.keyFile === undefined) !== (s.vaultPath === undefined), {
        message: 'expected exactly one of keyFile (a PEM file) or vaultPath (a KV secret with field privateKey)',
      })
      .optional(),
    retention: z
      .object({
        maxEvents: z.number().int().positive().optional(),
        maxAge: durationSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const httpSchema = z
  .object({
    /** Loopback by default: /metrics and /report are not for the whole network. */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9464),
    /** Serve /metrics and /report beyond loopback without ROTOR_HTTP_TOKEN; otherwise `rotor run` refuses to start. */
    allowUnauthenticated: z.boolean().default(false),
  })
  .strict();

/**
 * A target's `strategy` and `accounts` agree, and each account (the target's fields with the
 * account's on top) is a valid target of the kind. Checked on the raw document by the loader (next to
 * the cross references), so each problem is reported at the account's own line.
 */
export function accountIssues(raw: unknown, targets: z.ZodType): { path: (string | number)[]; message: string }[] {
  const doc = raw !== null && typeof raw === 'object' ? (raw as { targets?: unknown }) : {};
  const list = Array.isArray(doc.targets) ? doc.targets : [];
  const issues: { path: (string | number)[]; message: string }[] = [];
  list.forEach((value, index) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const target = value as Record<string, unknown>;
    const at = (...path: (string | number)[]) => ['targets', index, ...path];
    const accounts = target.accounts;
    if (target.strategy !== 'alternating') {
      if (accounts !== undefined) {
        issues.push({
          path: at('accounts'),
          message: 'accounts is for strategy: alternating; add it or remove accounts',
        });
      }
      return;
    }
    if (!Array.isArray(accounts) || accounts.length !== 2) {
      issues.push({
        path: at('accounts'),
        message:
          'strategy: alternating needs exactly two accounts, e.g. accounts: [{ name: a, ... }, { name: b, ... }]',
      });
      return;
    }
    const names = accounts.map((a) =>
      a !== null && typeof a === 'object' ? (a as { name?: unknown }).name : undefined,
    );
    if (names[0] === names[1])
      issues.push({ path: at('accounts', 1, 'name'), message: 'the two accounts need different names' });
    const { accounts: _accounts, strategy: _strategy, ...base } = target;
    accounts.forEach((account, i) => {
      if (account === null || typeof account !== 'object') return;
      const { name: _name, ...fields } = account as Record<string, unknown>;
      const parsed = targets.safeParse({ ...base, ...fields });
      for (const issue of parsed.success ? [] : parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) {
            issues.push({
              path: at('accounts', i, key),
              message: `unknown field "${key}" for a ${String(target.kind)} account`,
            });
          }
          continue;
        }
        // A field the account sets is reported there; one it inherits, at the account with the field named.
        const own = typeof issue.path[0] === 'string' && issue.path[0] in fields;
        issues.push({
          path: own ? at('accounts', i, ...(issue.path as (string | number)[])) : at('accounts', i),
          message: own ? issue.message : `account ${String(names[i])}: ${issue.path.join('.')}: ${issue.message}`,
        });
      }
    });
  });
  return issues;
}

/** The config schema with `targets` validated by `targets` (one strict schema per kind). */
function configSchemaWith<Target extends z.ZodType>(targets: Target) {
  return z
    .object({
      redis: redisSchema.default({ url: 'redis://127.0.0.1:6379', prefix: 'rotor' }),
      vault: vaultConfigSchema,
      worker: workerSchema.default({ concurrency: 16 }),
      policies: z.record(z.string().min(1), policySchema).default({}),
      credentials: z.record(z.string().min(1), credentialSchema).default({}),
      // Equal defaults are shared between targets (sharedParts.ts): a large config's memory is what differs.
      targets: z.array(targets.transform(shareEqualParts)).default([]),
      alerts: alertsSchema.default({}),
      /** Rotation events (CloudEvents) for the systems that use the passwords: docs/events.md. */
      events: eventsSchema.prefault({}),
      rotation: rotationSchema.default(rotationSchema.parse({})),
      audit: auditSchema.prefault({}),
      http: httpSchema.default(httpSchema.parse({})),
      scheduling: schedulingSchema.prefault({}),
    })
    .strict();
}

export const configSchema = configSchemaWith(targetSchema);

/**
 * The config schema for the kinds of `registry`: production's is `configSchema`; a test that adds a
 * kind through an extended registry validates its config with this.
 */
export function configSchemaFor(registry: ConnectorRegistry): typeof configSchema {
  return (registry === connectors ? configSchema : configSchemaWith(targetSchemaOf(registry))) as typeof configSchema;
}

export type RotorConfig = z.infer<typeof configSchema>;
export type { TargetConfig } from '../connectors/registry.js';
