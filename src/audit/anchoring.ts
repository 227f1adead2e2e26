import type { Logger } from '../observability/logger.js';
import type { RedisClient } from '../types/redis.js';
import { makeAnchorStore, type AnchorStore, type AnchorVault } from './anchors.js';
import { startAnchorWriter, type AnchorWriter } from './anchorWriter.js';
import { checkChain, type ChainCheck } from './chainEvidence.js';
import type { AuditLog } from './redisAuditLog.js';

/** The chain's anchors in Vault: the writer (periodic and on request) and the check against them. */
export interface AuditAnchoring {
  store: AnchorStore;
  writer: AnchorWriter;
  /** Anchors the head (when the chain still extends the last anchor), then checks the chain against all. */
  anchorAndCheck(): Promise<ChainCheck>;
  close(): Promise<void>;
}

export interface AuditAnchoringOptions {
  log: Pick<AuditLog, 'head' | 'read' | 'verify'>;
  vault: AnchorVault;
  mount: string;
  statePrefix: string;
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  /** `audit.anchorEvery`: also the window in which a rewrite of the newest events goes unseen. */
  anchorEvery: number;
  /** Write on a timer (`rotor run`, `rotor worker`) or only when asked (the CLI). */
  periodic: boolean;
}

export function startAuditAnchoring(options: AuditAnchoringOptions): AuditAnchoring {
  const { log, redis, prefix, logger } = options;
  const store = makeAnchorStore(options.vault, options.mount, options.statePrefix);
  const writer = startAnchorWriter({
    log,
    store,
    redis,
    prefix,
    logger,
    everyMs: options.periodic ? options.anchorEvery : 0,
  });
  return {
    store,
    writer,
    async anchorAndCheck() {
      try {
        await writer.anchorNow();
      } catch (err) {
        // Not anchoring this time (Vault down, no grant) must not stop a report: the check says what it found.
        logger.warn({ err }, 'audit chain head not anchored in Vault');
      }
      return checkChain({ log, anchors: { store, redis, prefix, everyMs: options.anchorEvery } });
    },
    close: () => writer.close(),
  };
}
