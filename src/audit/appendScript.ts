/**
 * The Redis side of the chain. Hashing happens in the writer (Redis Lua has no sha256); this script
 * makes "link to the head, then move the head" atomic: it appends only when the head is still the
 * one the writer chained from, so concurrent writers can never fork the chain — a loser re-chains
 * its events on the new head and tries again.
 */

/** Keys of one audit log. `{prefix}` may carry a Redis Cluster hash tag: both keys share it. */
export function auditKeys(prefix: string): { stream: string; head: string } {
  return { stream: `${prefix}:audit:events`, head: `${prefix}:audit:head` };
}

/**
 * KEYS: stream, head. ARGV: expected seq, expected hash, maxEvents (0 = keep all), maxAgeMs (0 = keep
 * all), new head seq, new head hash, then one JSON record per event.
 * Moves the head (`seq`, `hash`, and `headId`, the stream id of the newest event) with the events.
 * Returns {1, trimmedCount} on success, {0, headSeq, headHash} when the head moved.
 *
 * Retention trims from the front, at most 1000 events per call, and never past `archivedSeq` while
 * an archive is being written; it records the last trimmed event as the anchor (`anchorSeq`,
 * `anchorHash`) so what remains still verifies.
 */
export const appendScript = `
local genesis = string.rep('0', 64)
local head = redis.call('HMGET', KEYS[2], 'seq', 'hash', 'archiving', 'archivedSeq')
local seq = head[1] or '0'
local hash = head[2] or genesis
if seq ~= ARGV[1] or hash ~= ARGV[2] then
  return {0, seq, hash}
end
local id
for i = 7, #ARGV do
  id = redis.call('XADD', KEYS[1], '*', 'e', ARGV[i])
end
redis.call('HSET', KEYS[2], 'seq', ARGV[5], 'hash', ARGV[6], 'headId', id)

local maxEvents = tonumber(ARGV[3])
local maxAgeMs = tonumber(ARGV[4])
if maxEvents == 0 and maxAgeMs == 0 then
  return {1, 0}
end
local want = 0
if maxEvents > 0 then
  want = math.max(0, redis.call('XLEN', KEYS[1]) - maxEvents)
end
if maxAgeMs > 0 then
  local t = redis.call('TIME')
  local minId = (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) - maxAgeMs
  if minId > 0 then
    local old = redis.call('XRANGE', KEYS[1], '-', '(' .. string.format('%d', minId) .. '-0', 'COUNT', 1000)
    want = math.max(want, #old)
  end
end
want = math.min(want, 1000)
if want == 0 then
  return {1, 0}
end
local limit = nil
if head[3] == '1' then
  limit = tonumber(head[4] or '0')
end
local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', want)
local ids = {}
local anchorSeq, anchorHash
for _, entry in ipairs(entries) do
  local record = cjson.decode(entry[2][2])
  if limit ~= nil and record.seq > limit then
    break
  end
  ids[#ids + 1] = entry[1]
  anchorSeq = record.seq
  anchorHash = record.hash
end
if #ids == 0 then
  return {1, 0}
end
redis.call('XDEL', KEYS[1], unpack(ids))
redis.call('HSET', KEYS[2], 'anchorSeq', string.format('%d', anchorSeq), 'anchorHash', anchorHash)
return {1, #ids}
`;
