import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { configSchema, type RotorConfig } from '../../src/config/schema.js';

export type ConfigInput = z.input<typeof configSchema>;
export type TargetInput = NonNullable<ConfigInput['targets']>[number];
type HttpInput = { ratePerSecond: number; rateBurst: number };

/** No pacing: the servers answer as fast as they can (the pipeline benchmarks). */
export const unlimited: HttpInput = { ratePerSecond: 1_000_000, rateBurst: 1_000_000 };

/** The architecture's `strong` policy. */
export const strongPolicy = {
  length: 24,
  lower: 2,
  upper: 2,
  digits: 2,
  special: 2,
  specialChars: '!@#$%^&*-_=+',
  exclude: 'lIO0',
};

/** Deterministic hex ids, so a second process can rebuild the same config. */
function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function uuidOf(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type TargetVariant = 'iam' | 'meeting' | 'meeting-app' | 'cbh' | 'cbh-token';

export const credentialNames = {
  meetingApp: 'meeting-app',
  cbhAkSk: 'cbh-aksk',
  cbhToken: 'cbh-token',
} as const;

export interface TargetSpec {
  variant: TargetVariant;
  /** Index, unique within a variant (and a `tag`). */
  index: number;
  /** Distinguishes sets of one variant (e.g. `base` for the baseline's own targets). */
  tag?: string;
  endpoint: string;
  http?: HttpInput;
  schedule?: { cron: string; tz?: string } | { every: string };
}

/** One target of a variant; the id says which (`iam-17`, `base-iam-3`, `cbh-token-2`). */
export function target(spec: TargetSpec): TargetInput {
  const { variant, index, endpoint } = spec;
  const id = `${spec.tag ? `${spec.tag}-` : ''}${variant}-${index}`;
  const common = {
    id,
    endpoint,
    http: spec.http ?? unlimited,
    ...(spec.schedule ? { schedule: spec.schedule } : {}),
  };
  switch (variant) {
    case 'iam':
      return {
        ...common,
        kind: 'huawei-iam-user',
        userId: hex(`user:${id}`, 32),
        userName: `user-${id}`,
        domainName: 'acme',
        secretPath: `huawei/iam/${id}`,
        policy: 'strong',
      };
    case 'meeting':
    case 'meeting-app':
      return {
        ...common,
        kind: 'huawei-meeting-user',
        account: `${id}@acme.com`,
        secretPath: `huawei/meeting/${id}`,
        ...(variant === 'meeting-app' ? { auth: { method: 'app', credential: credentialNames.meetingApp } } : {}),
      };
    case 'cbh':
    case 'cbh-token':
      return {
        ...common,
        kind: 'huawei-cbh-admin',
        iamEndpoint: endpoint,
        projectId: hex(`project:${variant}`, 32),
        serverId: uuidOf(`server:${id}`),
        operator: variant === 'cbh' ? credentialNames.cbhAkSk : credentialNames.cbhToken,
        secretPath: `huawei/cbh/${id}`,
      };
  }
}

export function configInput(args: {
  redisUrl: string;
  prefix: string;
  vaultUrl: string;
  vaultToken: string;
  targets: TargetInput[];
  concurrency?: number;
}): ConfigInput {
  return {
    redis: { url: args.redisUrl, prefix: args.prefix },
    vault: { address: args.vaultUrl, auth: { method: 'token', token: args.vaultToken } },
    worker: { concurrency: args.concurrency ?? 16 },
    policies: { strong: strongPolicy },
    credentials: {
      [credentialNames.meetingApp]: { secretPath: 'bench/credentials/meeting-app' },
      [credentialNames.cbhAkSk]: { secretPath: 'bench/credentials/cbh-aksk' },
      [credentialNames.cbhToken]: { secretPath: 'bench/credentials/cbh-token' },
    },
    targets: args.targets,
  };
}

export function parseConfig(input: ConfigInput): RotorConfig {
  return configSchema.parse(input);
}
