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
 * send N times the rate. Each call *reserves* the next slot and returns how many ms to wait for it,
 * so a request costs one round trip however busy the endpoint is, and the slots lie on one timeline
 * spaced exactly `1000 / ratePerSecond` ms apart (`rateBurst - 1` of them may be taken early).
 */
const gcraScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + interval
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now + interval))
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
return math.ceil(wait)
`;
const reserve = redisScript(gcraScript);

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
    // rate × (1 s + the lateness). One that wakes more than a slot, or 20 ms, late takes a fresh slot
    // instead, so a sliding second holds at most about rate + 2 (the burst's early slots aside).
    const maxLateMs = Math.max(interval, 20);
    let warned = false;
    gate = {
      async take() {
        for (let round = 1; ; round++) {
          let waitMs: number;
          try {
            waitMs = Number(await reserve(redis, [key], [String(interval), String(tolerance)]));
          } catch (err) {
            // Redis away: pace by this process alone rather than stop every rotation.
            if (!warned) logger.warn({ err, origin }, 'shared rate limit unavailable; pacing per process');
            warned = true;
            return local.take();
          }
          if (waitMs <= 0) return;
          const due = performance.now() + waitMs;
          await new Promise((r) => setTimeout(r, waitMs));
          // Bounded: on a machine too busy to keep time, go rather than wait for ever.
          if (performance.now() - due <= maxLateMs || round >= 3) return;
        }
      },
    };
    gates.set(id, gate);
    return gate;
  };
}
