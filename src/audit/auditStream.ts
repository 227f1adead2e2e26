import type { RedisClient } from '../types/redis.js';
import { genesisAnchor } from './chain.js';
import type { ChainAnchor, ChainedAuditEvent } from './types.js';

/** What the head record says: the newest event, where the kept stretch starts, how far the archive got. */
export interface HeadRecord {
  head: ChainAnchor;
  anchor: ChainAnchor;
  archivedSeq: number;
  archivedId: string | undefined;
  /** Stream id of the head event; undefined while the log is empty. */
  headId: string | undefined;
}

export interface StreamEvent {
  id: string;
  event: ChainedAuditEvent;
}

export function parseHead(fields: Array<string | null>): HeadRecord {
  const [seq, hash, anchorSeq, anchorHash, archivedSeq, archivedId, headId] = fields;
  return {
    head: seq && hash ? { seq: Number(seq), hash } : genesisAnchor,
    anchor: anchorSeq && anchorHash ? { seq: Number(anchorSeq), hash: anchorHash } : genesisAnchor,
    archivedSeq: archivedSeq ? Number(archivedSeq) : 0,
    archivedId: archivedId ?? undefined,
    headId: headId ?? undefined,
  };
}

export const headFields = ['seq', 'hash', 'anchorSeq', 'anchorHash', 'archivedSeq', 'archivedId', 'headId'] as const;

export async function readHead(redis: RedisClient, headKey: string): Promise<HeadRecord> {
  return parseHead(await redis.hmget(headKey, ...headFields));
}

/** Turns XRANGE replies into events; an entry that is not JSON is kept as `null` so verify can name it. */
export function toStreamEvents(entries: Array<[string, string[]]>): Array<{ id: string; event: unknown }> {
  return entries.map(([id, fields]) => {
    const raw = fields[fields.indexOf('e') + 1];
    try {
      return { id, event: raw === undefined ? null : (JSON.parse(raw) as unknown) };
    } catch {
      return { id, event: null };
    }
  });
}

/**
 * Pages through the stream in order, from just after `afterId` (or the start) up to `endId`.
 * Pages of 1000 keep each Redis call short so workers appending meanwhile are not held up.
 */
export async function* streamPages(
  redis: RedisClient,
  stream: string,
  options: { afterId?: string; startId?: string; endId?: string; pageSize?: number } = {},
): AsyncGenerator<Array<{ id: string; event: unknown }>> {
  const pageSize = options.pageSize ?? 1000;
  let start = options.afterId ? `(${options.afterId}` : (options.startId ?? '-');
  for (;;) {
    const entries = await redis.xrange(stream, start, options.endId ?? '+', 'COUNT', pageSize);
    if (entries.length === 0) return;
    yield toStreamEvents(entries);
    if (entries.length < pageSize) return;
    start = `(${(entries[entries.length - 1] as [string, string[]])[0]}`;
  }
}

/** Orders stream ids (`<ms>-<n>`) numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', an = '0'] = a.split('-');
  const [bm = '0', bn = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const n = BigInt(an) - BigInt(bn);
  return n === 0n ? 0 : n < 0n ? -1 : 1;
}
