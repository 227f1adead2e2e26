import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { makeRedisAuditLog, type AuditLog } from '../../audit/redisAuditLog.js';
import { bytesDigest } from '../../audit/reportDigest.js';
import type { ChainAnchor } from '../../audit/types.js';
import { loadConfig } from '../../config/loadConfig.js';
import { ConfigError, counted, formatProblem } from '../../config/problems.js';
import type { RotorConfig } from '../../config/schema.js';
import { makeLogger, type Logger } from '../../observability/logger.js';
import { redisSettingsOf } from '../../queue/cluster.js';
import { makeRedisConnection } from '../../queue/redis.js';
import type { VaultStore } from '../../secrets/index.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { checkRedis, openVault } from '../open.js';
import { withResources } from '../resources.js';

/** What every `rotor audit` subcommand that reads Redis gets: the log, the config and its digest. */
export interface AuditContext {
  log: AuditLog;
  redis: Redis;
  config: RotorConfig;
  logger: Logger;
  /** `sha256:` of the config file's bytes (before `${VAR}` interpolation: no secret goes into it). */
  configDigest: string;
  /** Vault, when the subcommand asked for it (opened first: a Vault problem ends it before Redis is touched). */
  store?: VaultStore;
}

/**
 * Runs `run` with the audit log (and, when asked, the Vault store): Vault is opened first, so that a
 * Vault problem ends the command with one line before any Redis client exists; everything is closed after.
 */
export async function withAuditLog(
  globals: () => GlobalOptions,
  needs: {
    vault: boolean;
    /** Says what a Vault failure means for this subcommand, and the way around it. */ vaultFailure?: (
      problem: string,
    ) => string;
  },
  run: (ctx: AuditContext) => Promise<void>,
): Promise<void> {
  const file = globals().configPath;
  const config = await printConfigProblems(() => loadConfig(file));
  const configDigest = bytesDigest(await readFile(file));
  const logger = makeLogger({ destination: process.stderr, level: 'warn' });
  await checkRedis(config);
  await withResources(async (resources) => {
    const store = needs.vault
      ? await openVault(resources, config, logger).catch((err: unknown) => {
          if (!(err instanceof CliExit) || !needs.vaultFailure) throw err;
          throw new CliExit(err.exitCode, needs.vaultFailure(err.message.replace(/^rotor: /, '')));
        })
      : undefined;
    // A CLI run should fail, not hang, when Redis goes away midway.
    const redis: Redis = resources.add(
      makeRedisConnection(redisSettingsOf(config.redis), { maxRetriesPerRequest: 1 }),
      (r) => r.disconnect(),
    );
    const log = resources.add(makeRedisAuditLog({ redis, prefix: config.redis.prefix, logger }), (l) => l.close());
    await run({ log, redis, config, logger, configDigest, store });
  });
}

/** Runs `load`; a ConfigError's problems go to stderr one a line, `file:line:col: path: message`, and exit 2. */
export async function printConfigProblems<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
    const files = [...new Set(err.problems.map((p) => p.file))].join(', ');
    throw new CliExit(exitCodes.usage, `${files}: ${counted(err.problems.length, 'problem')}`);
  }
}

export function describeChain(count: number, anchor: ChainAnchor | undefined, head: ChainAnchor): string {
  if (count === 0) return 'no events';
  const from = anchor && anchor.seq > 0 ? ` from anchor seq ${anchor.seq} (earlier events trimmed)` : '';
  return `${count} events, seq ${head.seq - count + 1}..${head.seq}${from}, head ${head.hash}`;
}
