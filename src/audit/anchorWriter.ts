import type { Logger } from '../observability/logger.js';
import type { RedisClient } from '../types/redis.js';
import { writeAnchorMark, type AnchorStore, type AuditAnchor } from './anchors.js';
import { verifyChain } from './chain.js';
import type { AuditLog } from './redisAuditLog.js';
import type { ChainAnchor } from './types.js';

export type AnchorOutcome =
  | { status: 'anchored'; anchor: AuditAnchor }
  | { status: 'unchanged' | 'empty' | 'raced' }
  | { status: 'refused'; problem: string };

export interface AnchorWriter {
  /** Checks that the chain still extends the last anchor, then writes the head as the next one. */
  anchorNow(): Promise<AnchorOutcome>;
  /** Stops the timer and waits for a write in flight. */
  close(): Promise<void>;
}

export interface AnchorWriterOptions {
  log: Pick<AuditLog, 'head' | 'read' | 'verify'>;
  store: AnchorStore;
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  /** Interval of the periodic writes; 0 = only when asked (`anchorNow`). */
  everyMs: number;
  clock?: () => Date;
}

/** Reads around the last anchor's time this far back: writers' clocks differ, and batches wait. */
const lookBackMs = 15 * 60_000;

/**
 * Writes the chain head to Vault every `everyMs` (and on request, e.g. at every report). It never
 * anchors a chain that no longer extends the previous anchor: that would endorse a rewrite; it logs
 * an error instead and `rotor audit verify` names the problem. An unchanged head is not written again,
 * so an idle log does not push older anchors out of Vault's max_versions.
 */
export function startAnchorWriter(options: AnchorWriterOptions): AnchorWriter {
  const { log, store, logger } = options;
  const clock = options.clock ?? (() => new Date());
  let running: Promise<AnchorOutcome> | undefined;

  async function extendsAnchor(last: AuditAnchor, head: ChainAnchor): Promise<string | undefined> {
    if (last.seq > head.seq) {
      return `the chain ends at seq ${head.seq}, before seq ${last.seq} anchored at ${last.time}`;
    }
    // Quick path: the events since the last anchor link to it and up to the head.
    const recent = await log.read({ since: new Date(Date.parse(last.time) - lookBackMs) });
    const at = recent.findIndex((e) => e.seq === last.seq);
    if (at >= 0 && recent[at]?.hash === last.hash) {
      const after = recent.slice(at + 1).filter((e) => e.seq <= head.seq);
      if (verifyChain(after, last, head).ok) return undefined;
    }
    // Otherwise (clock skew, trimmed, or a real problem) the whole chain settles it.
    const verdict = await log.verify();
    if (!verdict.ok) return verdict.problem.message;
    const hash = verdict.hashAt(last.seq) ?? (verdict.anchor.seq === last.seq ? verdict.anchor.hash : undefined);
    if (last.seq >= verdict.anchor.seq && hash !== last.hash) {
      return `seq ${last.seq} no longer has the hash anchored at ${last.time} (the chain was rewritten)`;
    }
    return undefined;
  }

  async function anchor(): Promise<AnchorOutcome> {
    const { head } = await log.head();
    if (head.seq === 0) return { status: 'empty' };
    const last = await store.latest();
    if (last.anchor && last.anchor.seq === head.seq && last.anchor.hash === head.hash) {
      await writeAnchorMark(options.redis, options.prefix, last.anchor);
      return { status: 'unchanged' };
    }
    if (last.anchor) {
      const problem = await extendsAnchor(last.anchor, head);
      if (problem) {
        logger.error({ problem, path: store.path }, 'audit chain does not extend its last anchor: not anchoring it');
        return { status: 'refused', problem };
      }
    }
    try {
      const written = await store.write(head, clock(), last.version);
      await writeAnchorMark(options.redis, options.prefix, written);
      logger.debug({ seq: written.seq, version: written.version }, 'audit chain anchored in Vault');
      return { status: 'anchored', anchor: written };
    } catch (err) {
      // Another process anchored since we looked: its anchor is as good as ours. (Rotor errors carry
      // their code as `name`, so this holds whichever module copy threw it.)
      if (err instanceof Error && err.name === 'Conflict') return { status: 'raced' };
      throw err;
    }
  }

  const anchorNow = (): Promise<AnchorOutcome> => {
    running ??= anchor().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer =
    options.everyMs > 0
      ? setInterval(() => {
          anchorNow().catch((err: unknown) => logger.warn({ err }, 'audit chain not anchored in Vault this time'));
        }, options.everyMs)
      : undefined;
  timer?.unref();
  if (timer) {
    anchorNow().catch((err: unknown) => logger.warn({ err }, 'audit chain not anchored in Vault at start'));
  }

  return {
    anchorNow,
    async close() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
