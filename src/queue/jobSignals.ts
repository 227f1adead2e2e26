import type { QueueEvents } from 'bullmq';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../types/redis.js';

/**
 * News of watched jobs from the queue's event stream: which of them completed, failed, were parked or
 * reported progress since the last look. Only a hint to look again — the job's state in Redis stays
 * the answer, so an event that is lost, late or about an older job of the same id costs nothing.
 */
export interface JobSignals {
  /** Resolves with the watched jobs that had news, as soon as one has, or empty after `ms`. */
  next(ms: number): Promise<Set<string>>;
  close(): Promise<void>;
}

/** Opens a QueueEvents of the rotate queue on `connection`, reading the stream after `lastEventId`. */
export type OpenQueueEvents = (connection: RedisClient, lastEventId: string) => QueueEvents;

/** The events after which a waiting caller has something new to read. */
const newsEvents = ['completed', 'failed', 'delayed', 'progress'] as const;

/**
 * Listens for the jobs in `watched` on a connection of its own (a blocking read cannot share one),
 * closed with the signals. The stream is read from a second before Redis's clock now, so an event
 * written while the listener connects is still seen. Undefined when the stream cannot be read in
 * `readyWithinMs` (the caller then polls only).
 */
export async function listenForJobs(
  redis: RedisClient,
  open: OpenQueueEvents,
  watched: ReadonlySet<string>,
  readyWithinMs = 2_000,
): Promise<JobSignals | undefined> {
  let connection: RedisClient | undefined;
  let events: QueueEvents | undefined;
  const close = async () => {
    await events?.close().catch(() => undefined);
    await connection?.quit().catch(() => connection?.disconnect());
  };
  const news = new Set<string>();
  let wake: (() => void) | undefined;
  const onEvent = ({ jobId }: { jobId: string }) => {
    if (!watched.has(jobId)) return;
    news.add(jobId);
    wake?.();
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), readyWithinMs);
  });
  let gaveUp = false;
  const ready = await Promise.race([
    (async () => {
      const [seconds, micros] = await redis.time();
      const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      connection = blockingCopy(redis);
      // Polling answers regardless of the stream: a read error only takes the shortcut away.
      connection.on('error', () => undefined);
      events = open(connection, `${nowMs - 1000}-0`);
      events.on('error', () => undefined);
      for (const name of newsEvents) events.on(name, onEvent);
      await events.waitUntilReady();
      // Ready too late: the caller polls already; let go of the connection.
      if (gaveUp) await close();
      return true;
    })().catch(() => false),
    deadline,
  ]);
  clearTimeout(timer);
  if (!ready) {
    gaveUp = true;
    await close();
    return undefined;
  }
  return {
    async next(ms) {
      if (news.size === 0 && ms > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, ms);
          function done() {
            clearTimeout(t);
            wake = undefined;
            resolve();
          }
          wake = done;
        });
      }
      const seen = new Set(news);
      news.clear();
      return seen;
    },
    close,
  };
}

/** A new connection like `redis` for a blocking read, which BullMQ wants without a per-command retry limit. */
function blockingCopy(redis: RedisClient): RedisClient {
  if (redis instanceof Cluster) {
    return redis.duplicate(undefined, {
      redisOptions: { ...redis.options.redisOptions, maxRetriesPerRequest: null },
    });
  }
  return redis.duplicate({ maxRetriesPerRequest: null });
}
