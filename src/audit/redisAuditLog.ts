import { createHash } from 'node:crypto';
import type { RedisClient } from '../types/redis.js';
import type { Logger } from '../observability/logger.js';
import { appendScript, auditKeys } from './appendScript.js';
import { makeAuditArchiver, type AuditArchiver } from './auditArchiver.js';
import { compareStreamIds, headFields, parseHead, readHead, streamPages, toStreamEvents } from './auditStream.js';
import { canonicalContent, linkHash, verifyChain, type ChainVerdict } from './chain.js';
import { writeChainFile } from './chainFile.js';
import { assertNoSecret } from './secretGuard.js';
import type { AuditEvent, AuditSink, ChainAnchor, ChainedAuditEvent } from './types.js';

export interface AuditRetention {
  /** Keep at most this many events in Redis. */
  maxEvents?: number;
  /** Drop events older than this (ms) from Redis. */
  maxAgeMs?: number;
}

export interface RedisAuditLogOptions {
  redis: RedisClient;
  /** The config's `redis.prefix`: the log lives at `{prefix}:audit:events` (stream) and `{prefix}:audit:head`. */
  prefix: string;
  logger: Logger;
  /** Mirror the whole chain into this JSON Lines file, fsynced. Set it in one process per log. */
  archiveFile?: string;
  /** Trim old events from Redis (the chain stays verifiable from its anchor). @defaultValue keep everything */
  retention?: AuditRetention;
  /** Most events chained in one Redis call. @defaultValue 100 */
  maxBatch?: number;
  /** Also record announced outcomes in this events outbox, in the same atomic step (src/events). */
  outboxKey?: string;
}

export type AuditVerdict = ChainVerdict & {
  anchor: ChainAnchor;
  /** The hash of the event with this seq as read for the check (undefined when not read or trimmed). */
  hashAt(seq: number): string | undefined;
  /** The time of the oldest event kept, if any. */
  firstTime?: string;
};

export interface AuditLog extends AuditSink {
  /** Events whose time lies in [since, until], in chain order. */
  read(range?: { since?: Date; until?: Date }): Promise<ChainedAuditEvent[]>;
  /** Checks the chain kept in Redis from its anchor to its head. */
  verify(): Promise<AuditVerdict>;
  /** The head record: the newest event's seq and hash, and the last trimmed event (the anchor). */
  head(): Promise<{ head: ChainAnchor; anchor: ChainAnchor }>;
  /** Writes the chain as a JSON Lines file that `verifyChainFile` checks offline. */
  export(file: string): Promise<{ count: number; head: ChainAnchor }>;
  /** Resolves when every accepted event is in Redis and, with an archive, on disk. */
  flush(): Promise<void>;
  /** Flushes and closes the archive file; the Redis connection belongs to the caller. */
  close(): Promise<void>;
}

interface Queued {
  /** The event's JSON and content hash, made at append time so a bad event fails alone. */
  json: string;
  content: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const scriptSha = createHash('sha1').update(appendScript).digest('hex');
/** Clock skew allowed between event times (writer clocks) and stream ids (Redis clock) when reading a range. */
const skewMs = 5 * 60_000;

export function makeRedisAuditLog(options: RedisAuditLogOptions): AuditLog {
  const { redis, logger } = options;
  const keys = auditKeys(options.prefix);
  const scriptKeys = [keys.stream, keys.head, ...(options.outboxKey ? [options.outboxKey] : [])];
  const maxBatch = options.maxBatch ?? 100;
  const maxEvents = checkLimit('retention.maxEvents', options.retention?.maxEvents);
  const maxAgeMs = checkLimit('retention.maxAgeMs', options.retention?.maxAgeMs);
  const archiver: AuditArchiver | undefined = options.archiveFile
    ? makeAuditArchiver({ redis, prefix: options.prefix, file: options.archiveFile, logger })
    : undefined;
  const queue: Queued[] = [];
  let draining: Promise<void> | undefined;
  /** The head as this writer's last call left it: the next batch is linked to it here, not in Redis. */
  let knownHead: ChainAnchor | undefined;
  // The archive claims its place (and holds retention back) before this log writes anything.
  let archiveStarted: Promise<unknown> | undefined;

  /**
   * One writer per process, in call order, so the events of one rotation keep their order in the
   * chain; events appended in the same turn, or queued while a call is in flight, go together.
   */
  async function drain(): Promise<void> {
    // Events appended in the same turn of the event loop (a rotation's steps) go in one call.
    await Promise.resolve();
    if (archiver) await (archiveStarted ??= archiver.sync().catch(() => undefined));
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        try {
          await writeBatch(batch);
          batch.forEach((q) => q.resolve());
        } catch (err) {
          batch.forEach((q) => q.reject(err));
        }
      }
    } finally {
      draining = undefined;
    }
    if (archiver) await archiver.sync().catch(() => undefined);
  }

  async function writeBatch(batch: Queued[]): Promise<void> {
    const expected = knownHead;
    // Cleared first: if the call fails, nobody knows what the head is now.
    knownHead = undefined;
    const args = [String(maxEvents), String(maxAgeMs), expected ? String(expected.seq) : '', expected?.hash ?? ''];
    let prev = expected;
    for (const q of batch) {
      let link = '';
      if (prev) {
        const seq = prev.seq + 1;
        link = linkHash(prev.hash, seq, q.content);
        prev = { seq, hash: link };
      }
      args.push(q.json, q.content, link);
    }
    knownHead = headOf(await runScript(args));
  }

  async function runScript(args: string[]): Promise<unknown> {
    try {
      return await redis.evalsha(scriptSha, scriptKeys.length, ...scriptKeys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(appendScript, scriptKeys.length, ...scriptKeys, ...args);
    }
  }

  /**
   * Reads the kept stretch: the head record and the first page in one transaction (so the anchor
   * matches the first event even while retention trims), then the rest up to the head read last.
   */
  async function readChain(): Promise<{ anchor: ChainAnchor; head: ChainAnchor; events: unknown[] }> {
    const replies = await redis
      .multi()
      .hmget(keys.head, ...headFields)
      .xrange(keys.stream, '-', '+', 'COUNT', 1000)
      .exec();
    const [headReply, firstReply] = (replies ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const first = toStreamEvents(firstReply as Array<[string, string[]]>);
    const entries = [...first];
    const lastId = () => entries[entries.length - 1]?.id;
    if (first.length === 1000) {
      for await (const page of streamPages(redis, keys.stream, { afterId: lastId() })) entries.push(...page);
    }
    const after = await readHead(redis, keys.head);
    const seen = lastId();
    if (after.headId && (!seen || compareStreamIds(after.headId, seen) > 0)) {
      // Appended while we read: read up to the head we now know, and no further.
      for await (const page of streamPages(redis, keys.stream, { afterId: seen, endId: after.headId })) {
        entries.push(...page);
      }
    }
    const anchor = parseHead(headReply as Array<string | null>).anchor;
    return { anchor, head: after.head, events: entries.map((e) => e.event) };
  }

  return {
    append(event) {
      // Serialised below at once, so an event that already has its time needs no copy.
      const full: AuditEvent =
        event.time === undefined ? Object.assign({}, event, { time: new Date().toISOString() }) : (event as AuditEvent);
      let stored: { json: string; content: string };
      try {
        assertNoSecret(full);
        // Stored as its canonical JSON: the text hashed is the text kept, made once.
        stored = canonicalContent(full);
      } catch (err) {
        return Promise.reject(err);
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ json: stored.json, content: stored.content, resolve, reject });
        draining ??= drain();
      });
    },

    async read(range = {}) {
      const since = range.since?.getTime();
      const until = range.until?.getTime();
      const startId = since === undefined ? '-' : String(Math.max(0, since - skewMs));
      const endId = until === undefined ? '+' : String(until + skewMs);
      const out: ChainedAuditEvent[] = [];
      for await (const page of streamPages(redis, keys.stream, { startId, endId })) {
        for (const { event } of page) {
          const e = event as ChainedAuditEvent | null;
          if (e === null || typeof e.time !== 'string') continue;
          const t = Date.parse(e.time);
          if ((since === undefined || t >= since) && (until === undefined || t <= until)) out.push(e);
        }
      }
      return out;
    },

    async verify() {
      let chain = await readChain();
      let verdict = verifyChain(chain.events, chain.anchor, chain.head);
      if (!verdict.ok) {
        // Retention may have trimmed past our first page while we read: one fresh look settles it.
        const now = await readHead(redis, keys.head);
        if (now.anchor.seq !== chain.anchor.seq) {
          chain = await readChain();
          verdict = verifyChain(chain.events, chain.anchor, chain.head);
        }
      }
      const bySeq = new Map<number, string>();
      for (const e of chain.events) {
        const c = e as Partial<ChainedAuditEvent> | null;
        if (c && typeof c.seq === 'number' && typeof c.hash === 'string') bySeq.set(c.seq, c.hash);
      }
      const first = chain.events[0] as Partial<ChainedAuditEvent> | null | undefined;
      return {
        ...verdict,
        anchor: chain.anchor,
        hashAt: (seq: number) => bySeq.get(seq),
        firstTime: typeof first?.time === 'string' ? first.time : undefined,
      };
    },

    async head() {
      const record = await readHead(redis, keys.head);
      return { head: record.head, anchor: record.anchor };
    },

    async export(file) {
      const chain = await readChain();
      async function* pages(): AsyncGenerator<ChainedAuditEvent[]> {
        yield chain.events as ChainedAuditEvent[];
      }
      return writeChainFile(file, chain.anchor, pages());
    },

    async flush() {
      while (draining) await draining;
      if (archiver) await archiver.sync();
    },

    async close() {
      await this.flush();
      await archiver?.close();
    },
  };
}

/** The head an append reply names (`{headSeq, headHash, trimmed}`), if it is readable. */
function headOf(reply: unknown): ChainAnchor | undefined {
  if (!Array.isArray(reply)) return undefined;
  const seq = Number(reply[0]);
  const hash: unknown = reply[1];
  return Number.isSafeInteger(seq) && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)
    ? { seq, hash }
    : undefined;
}

function checkLimit(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`audit: ${name} must be a positive whole number, got ${String(value)}`);
  }
  return value;
}
