/**
 * Redis keys of the events outbox. All start with the config's `redis.prefix`, so on a cluster
 * (prefix with a `{hash tag}`) they share the audit log's slot and one script can write both.
 */
export function outboxKeys(prefix: string) {
  return {
    /** Stream of announced audit records, written by the audit append script. */
    outbox: `${prefix}:events:outbox`,
    /** Stream id up to which the outbox has been fanned out to the subscribers. */
    cursor: `${prefix}:events:cursor`,
    /** Sorted set per subscriber: outbox entry id → when its next try is due (ms). */
    due: (subscriber: string) => `${prefix}:events:due:${subscriber}`,
    /** Hash per subscriber: outbox entry id → tries so far. */
    tries: (subscriber: string) => `${prefix}:events:tries:${subscriber}`,
    /** Hash per subscriber: outbox entry id → the dead letter (JSON). */
    dead: (subscriber: string) => `${prefix}:events:dead:${subscriber}`,
    /** Hash per target: subscriber → its delivery state for the target's latest event (JSON). */
    last: (targetId: string) => `${prefix}:events:last:${targetId}`,
  };
}

export type OutboxKeys = ReturnType<typeof outboxKeys>;

/**
 * KEYS: cursor, then one due set per subscriber. ARGV: the cursor read, the new cursor, now, then per
 * subscriber the number of entry ids that follow and the ids. Moves the cursor only if no other
 * dispatcher moved it meanwhile (compare-and-set), so an entry is fanned out once.
 */
export const fanOutScript = `
local seen = redis.call('GET', KEYS[1]) or '0-0'
if seen ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
local i = 4
for k = 2, #KEYS do
  local n = tonumber(ARGV[i]); i = i + 1
  for j = 1, n do
    redis.call('ZADD', KEYS[k], 'NX', ARGV[3], ARGV[i]); i = i + 1
  end
end
return 1
`;

/**
 * KEYS: due set. ARGV: now, lease (ms), most. Takes the due entries and pushes their due time a
 * lease ahead, so another dispatcher leaves them alone while this one tries; a dispatcher killed
 * mid-try leaves them due again when the lease ends (at least once).
 */
export const claimScript = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local until_ = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', until_, id) end
return ids
`;
