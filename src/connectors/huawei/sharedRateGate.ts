import { redisScript, type RedisClient } from '../../types/redis.js';
import type { Logger } from '../../observability/logger.js';
import { bucketFor } from './tokenBucket.js';

/** Something that lets one request through when the endpoint's rate allows it. */
export interface RateGate {
  take(): Promise<void>;
}

/** Makes the gate for one endpoint origin with its configured rate and burst. */
export type RateGateFactory = (origin: string, perSecond: number, burst: number) => RateGate;

/**
 * GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp) in Redis, on Redis's
 * own clock: every worker process on every host shares one limit per endpoint, so N workers do not
 * send N times the rate. Each call *reserves* the next ARGV[3] slots (one per waiting request) and
 * returns how many ms each must wait for its slot, so requests cost one round trip however busy the
 * endpoint is, and the slots lie on one timeline spaced exactly `1000 / ratePerSecond` ms apart
 * (`rateBurst - 1` of them may be taken early) — as if each had been reserved by a call of its own.
 */
const gcraScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local count = tonumber(ARGV[3] or '1')
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local waits = {}
for i = 1, count do
  local wait = tat - tolerance - now
  if wait < 0 then wait = 0 end
  waits[i] = math.ceil(wait)
  tat = tat + interval
end
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil(tat - now + interval))
return waits
`;
const reserveScript = redisScript(gcraScript);
/** Most slots reserved in one call; more waiting requests go in the next. */
const maxBatch = 100;
/**
 * The stretch of the timeline one call may reserve beyond the requests waiting for it. At rates where
 * a slot lasts less than a round trip to Redis (above a few hundred requests per second) a call per
 * request would cost more than the pacing is worth, so each call also takes the slots of the next
 * 2 ms and the process hands them out itself. Below 500 requests per second this is no slot at all.
 * A reserved slot not used in time is dropped: the others lose at most 2 ms of the rate per call.
 */
const leaseSpanMs = 2;

interface Waiter {
  resolve(due: number): void;
  reject(err: unknown): void;
}

/**
 * Reserves slots on one endpoint's timeline. While a call is on its way to Redis, requests that ask
 * for a slot wait for it to return and then go together in the next call: under load a worker's
 * concurrent rotations share round trips instead of sending one script call per request.
 * Resolves with the slot's time on this process's `performance.now()` clock, counted from when the
 * reservation was sent (Redis ran it no earlier): a reply read late — the event loop busy — then shows
 * its slots as late instead of moving them later, where they would bunch with the next ones. A slot
 * reserved ahead is handed out only while it is at most `maxLateMs` past its time, as a request waking
 * that late would take a fresh one.
 */
function slotReserver(redis: RedisClient, key: string, interval: number, tolerance: number, maxLateMs: number) {
  const waiting: Waiter[] = [];
  /** Slots reserved ahead, as the `performance.now()` times they are due, earliest first. */
  const ahead: number[] = [];
  const extra = Math.min(maxBatch - 1, Math.floor(leaseSpanMs / interval));
  let inFlight = false;
  const takeAhead = (): number | undefined => {
    const now = performance.now();
    while (ahead.length > 0) {
      const due = ahead.shift() as number;
      if (now - due <= maxLateMs) return due;
    }
    return undefined;
  };
  const send = () => {
    const batch = waiting.splice(0, maxBatch);
    const count = Math.min(maxBatch, batch.length + extra);
    inFlight = true;
    const sentAt = performance.now();
    reserveScript(redis, [key], [String(interval), String(tolerance), String(count)])
      .then(
        (reply) => {
          const waits: unknown[] = Array.isArray(reply) ? reply : [];
          batch.forEach((w, i) => {
            const waitMs = Number(waits[i]);
            if (Number.isFinite(waitMs)) w.resolve(sentAt + waitMs);
            else w.reject(new Error('shared rate limit: the reply holds no slot for this request'));
          });
          for (let i = batch.length; i < waits.length; i++) {
            const waitMs = Number(waits[i]);
            if (Number.isFinite(waitMs)) ahead.push(sentAt + waitMs);
          }
        },
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        inFlight = false;
        // Requests that asked meanwhile take the slots reserved ahead first.
        for (let slot = takeAhead(); slot !== undefined && waiting.length > 0; slot = takeAhead()) {
          (waiting.shift() as Waiter).resolve(slot);
        }
        if (waiting.length > 0) send();
      });
  };
  return () => {
    const slot = takeAhead();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise<number>((resolve, reject) => {
      waiting.push({ resolve, reject });
      if (!inFlight) send();
    });
  };
}

export function makeSharedRateGates(redis: RedisClient, prefix: string, logger: Logger): RateGateFactory {
  const gates = new Map<string, RateGate>();
  return (origin, perSecond, burst) => {
    const id = `${origin}|${perSecond}|${burst}`;
    let gate = gates.get(id);
    if (gate) return gate;
    const key = `${prefix}:rate:${origin}`;
    const interval = 1000 / perSecond;
    const tolerance = interval * (burst - 1);
    const local = bucketFor(origin, perSecond, burst);
    // A provider counts requests as they arrive: requests that leave late (a busy event loop, a
    // paused process) bunch with the ones on time, and a sliding second then holds up to
    // rate × (1 s + the lateness). One that wakes more than a slot, or 10 ms, late takes a fresh slot
    // instead, so a sliding second holds at most about rate + 1, or 1 % more above 100 req/s (the
    // burst's early slots aside). Paced at 97 % of a limit, that leaves 2 % of a second (20 ms at
    // 100 req/s) for the network's jitter between rotor and the provider's counter; 20 ms of allowed
    // lateness left about 10, and a gateway then counted a 101st request in a second of a 300 s run.
    const maxLateMs = Math.max(interval, 10);
    const reserve = slotReserver(redis, key, interval, tolerance, maxLateMs);
    let warned = false;
    gate = {
      async take() {
        for (let round = 1; ; round++) {
          let due: number;
          try {
            due = await reserve();
          } catch (err) {
            // Redis away: pace by this process alone rather than stop every rotation.
            if (!warned) logger.warn({ err, origin }, 'shared rate limit unavailable; pacing per process');
            warned = true;
            return local.take();
          }
          const waitMs = due - performance.now();
          if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
          // Bounded: on a machine too busy to keep time, go rather than wait for ever.
          if (performance.now() - due <= maxLateMs || round >= 3) return;
        }
      },
    };
    gates.set(id, gate);
    return gate;
  };
}
