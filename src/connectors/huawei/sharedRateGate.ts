import type { RedisClient } from '../../queue/cluster.js';
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
 * send N times the rate. Returns 0 when the request may go, else how many ms to wait.
 */
const gcraScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local allowAt = tat - tolerance
if now < allowAt then return math.ceil(allowAt - now) end
local nextTat = tat + interval
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now + interval))
return 0
`;

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
    let warned = false;
    gate = {
      async take() {
        for (;;) {
          let waitMs: number;
          try {
            waitMs = Number(await redis.eval(gcraScript, 1, key, String(interval), String(tolerance)));
          } catch (err) {
            // Redis away: pace by this process alone rather than stop every rotation.
            if (!warned) logger.warn({ err, origin }, 'shared rate limit unavailable; pacing per process');
            warned = true;
            return local.take();
          }
          if (waitMs <= 0) return;
          await new Promise((r) => setTimeout(r, waitMs));
        }
      },
    };
    gates.set(id, gate);
    return gate;
  };
}
