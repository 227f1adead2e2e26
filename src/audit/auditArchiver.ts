import { open, type FileHandle } from 'node:fs/promises';
import type { RedisClient } from '../types/redis.js';
import type { Logger } from '../observability/logger.js';
import { auditKeys } from './appendScript.js';
import { readHead, streamPages } from './auditStream.js';
import { appendDurably, eventLines, headerLine, readChainFileTail } from './chainFile.js';
import type { ChainAnchor, ChainedAuditEvent } from './types.js';

export interface AuditArchiver {
  /** Copies every event not yet in the file, fsyncs, and records how far it got. Returns how many it wrote. */
  sync(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Mirrors the Redis chain into a JSON Lines file (the chain file format, without an end line), in
 * chain order, so the file verifies on its own. It follows the stream rather than the events this
 * process wrote, because with many workers no single process sees the whole chain. Run one per log.
 *
 * While it runs, retention never trims an event it has not archived (`archiving`/`archivedSeq` in
 * the head record): an archive with a hole would be worth little.
 */
export function makeAuditArchiver(options: {
  redis: RedisClient;
  prefix: string;
  file: string;
  logger: Logger;
}): AuditArchiver {
  const { redis, file, logger } = options;
  const keys = auditKeys(options.prefix);
  let handle: FileHandle | undefined;
  let last: ChainAnchor | undefined;
  let lastId: string | undefined;
  let running: Promise<number> | undefined;
  let again = false;

  async function start(): Promise<void> {
    await redis.hset(keys.head, 'archiving', '1');
    const record = await readHead(redis, keys.head);
    const tail = await readChainFileTail(file);
    handle = await open(file, 'a', 0o600);
    if (tail === undefined) {
      // A new archive starts where the kept stretch of the stream starts.
      await appendDurably(handle, headerLine('archive', record.anchor));
      last = record.anchor;
    } else {
      last = tail;
      // Resume from the recorded stream position when it matches the file; otherwise scan for it.
      if (record.archivedSeq === tail.seq) lastId = record.archivedId;
    }
  }

  async function copy(): Promise<number> {
    if (!handle) await start();
    let written = 0;
    for await (const page of streamPages(redis, keys.stream, { afterId: lastId })) {
      const fresh: ChainedAuditEvent[] = [];
      let pageLastId = lastId;
      for (const { id, event } of page) {
        const e = event as ChainedAuditEvent | null;
        const at = last as ChainAnchor;
        const tip = fresh.length > 0 ? (fresh[fresh.length - 1] as ChainedAuditEvent) : at;
        if (e === null || typeof e.seq !== 'number')
          throw new Error(`audit archive: stream entry ${id} is not an event`);
        if (e.seq <= at.seq) continue;
        if (e.seq !== tip.seq + 1 || e.prevHash !== tip.hash) {
          // Never write a hole or a fork into the archive: stop and say so loudly.
          throw new Error(
            `audit archive ${file}: the file ends at seq ${tip.seq} but the stream continues with seq ${e.seq} ` +
              `(trimmed before it was archived, or the stream was altered); run rotor audit verify`,
          );
        }
        fresh.push(e);
        pageLastId = id;
      }
      if (fresh.length === 0) {
        lastId = page[page.length - 1]?.id ?? lastId;
        continue;
      }
      await appendDurably(handle as FileHandle, eventLines(fresh));
      const tip = fresh[fresh.length - 1] as ChainedAuditEvent;
      last = { seq: tip.seq, hash: tip.hash };
      lastId = pageLastId;
      written += fresh.length;
      await redis.hset(keys.head, 'archivedSeq', String(tip.seq), 'archivedId', pageLastId as string);
    }
    return written;
  }

  async function loop(): Promise<number> {
    let total = 0;
    try {
      do {
        again = false;
        total += await copy();
      } while (again);
      return total;
    } finally {
      running = undefined;
    }
  }

  return {
    sync() {
      // Coalesce: a sync already running picks up whatever arrived meanwhile in one more pass.
      if (running) {
        again = true;
        return running;
      }
      running = loop();
      running.catch((err: unknown) => logger.error({ err, file }, 'audit archive sync failed'));
      return running;
    },
    async close() {
      await running?.catch(() => undefined);
      await handle?.close();
      handle = undefined;
    },
  };
}
