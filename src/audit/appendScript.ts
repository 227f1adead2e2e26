/**
 * The Redis side of the chain: one Lua script links events to the head and moves the head, so
 * "read the head, link, append" can never interleave between writers. Linking happens in Redis
 * rather than in the writer because a writer that had to win a compare-and-set race could be
 * starved by a busier one; here every call succeeds at its first try.
 */

/** Keys of one audit log. `{prefix}` may carry a Redis Cluster hash tag: both keys share it. */
export function auditKeys(prefix: string): { stream: string; head: string } {
  return { stream: `${prefix}:audit:events`, head: `${prefix}:audit:head` };
}

/**
 * SHA-256 in Lua 5.1 with the LuaBitOp library Redis bundles (`bit`), checked against Node's crypto
 * by every test that verifies what the script wrote. It hashes only the short link text (about 135
 * bytes, three blocks): the writer sends the event's content hash, so Redis never hashes event bodies.
 */
export const sha256Lua = `
local band, bor, bxor, bnot, rshift, lshift, ror, tobit, tohex = bit.band, bit.bor, bit.bxor, bit.bnot, bit.rshift, bit.lshift, bit.ror, bit.tobit, bit.tohex
local K = {
0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2}
local function sha256(msg)
  local len = #msg
  msg = msg .. '\\128' .. string.rep('\\0', (55 - len) % 64) .. string.char(0,0,0,0, band(rshift(len*8,24),255), band(rshift(len*8,16),255), band(rshift(len*8,8),255), band(len*8,255))
  local h0,h1,h2,h3,h4,h5,h6,h7 = 0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19
  local w = {}
  for chunk = 1, #msg, 64 do
    for i = 0, 15 do
      local a, b, c, d = string.byte(msg, chunk + i*4, chunk + i*4 + 3)
      w[i] = bor(lshift(a,24), lshift(b,16), lshift(c,8), d)
    end
    for i = 16, 63 do
      local x, y = w[i-15], w[i-2]
      local s0 = bxor(ror(x,7), ror(x,18), rshift(x,3))
      local s1 = bxor(ror(y,17), ror(y,19), rshift(y,10))
      w[i] = tobit(w[i-16] + s0 + w[i-7] + s1)
    end
    local a,b,c,d,e,f,g,h = h0,h1,h2,h3,h4,h5,h6,h7
    for i = 0, 63 do
      local S1 = bxor(ror(e,6), ror(e,11), ror(e,25))
      local ch = bxor(band(e,f), band(bnot(e),g))
      local t1 = tobit(h + S1 + ch + K[i+1] + w[i])
      local S0 = bxor(ror(a,2), ror(a,13), ror(a,22))
      local maj = bxor(band(a,b), band(a,c), band(b,c))
      local t2 = tobit(S0 + maj)
      h = g; g = f; f = e; e = tobit(d + t1); d = c; c = b; b = a; a = tobit(t1 + t2)
    end
    h0 = tobit(h0+a); h1 = tobit(h1+b); h2 = tobit(h2+c); h3 = tobit(h3+d)
    h4 = tobit(h4+e); h5 = tobit(h5+f); h6 = tobit(h6+g); h7 = tobit(h7+h)
  end
  return tohex(h0)..tohex(h1)..tohex(h2)..tohex(h3)..tohex(h4)..tohex(h5)..tohex(h6)..tohex(h7)
end
`;

/**
 * KEYS: stream, head and, when events are on, the events outbox (src/events/outboxKeys.ts). ARGV:
 * maxEvents (0 = keep all), maxAgeMs (0 = keep all), the head the writer expects (`seq`, `hash`; empty
 * when it does not know), then per event its JSON (without seq, prevHash, hash), its content hash and
 * the link the writer computed from the expected head (empty when it did not). Links each event to the
 * head — `hash = sha256(prevHash .. "\n" .. seq .. "\n" .. contentHash)` — appends it, and moves the
 * head (`seq`, `hash`, and `headId`, the stream id of the newest event), all in one atomic step: many
 * writers at once still make one chain, in the order Redis ran their calls, with no retries.
 * Returns {headSeq, headHash, trimmedCount}.
 *
 * Hashing in Lua costs Redis ≈ 0.1 ms per event, on the one thread every worker shares, so a writer
 * that knows the head (its own last write, the common case with one writer per log) sends the links it
 * computed, and the script only checks that the head is still the expected one. When another writer
 * got in between, the script links the events itself as before: nobody retries, nobody starves.
 *
 * Retention trims from the front, at most 1000 events per call, and never past `archivedSeq` while
 * an archive is being written; it records the last trimmed event as the anchor (`anchorSeq`,
 * `anchorHash`) so what remains still verifies.
 */
export const appendScript = `${sha256Lua}
local head = redis.call('HMGET', KEYS[2], 'seq', 'hash', 'archiving', 'archivedSeq')
local seq = tonumber(head[1] or '0')
local prev = head[2] or string.rep('0', 64)
-- The writer's links hold only if they start from the head as it is now.
local linked = ARGV[3] == string.format('%d', seq) and ARGV[4] == prev
-- Check every event before writing any: a script's writes stay even when it then fails.
for i = 5, #ARGV, 3 do
  local body, content, link = ARGV[i], ARGV[i + 1] or '', ARGV[i + 2] or ''
  local n = (i - 2) / 3
  if string.sub(body, 1, 1) ~= '{' or string.sub(body, -1) ~= '}' or #body < 3 then
    return redis.error_reply('audit: event ' .. n .. ' is not a JSON object')
  end
  if not string.match(content, '^%x+$') or #content ~= 64 then
    return redis.error_reply('audit: event ' .. n .. ' has no content hash')
  end
  if linked and (not string.match(link, '^%x+$') or #link ~= 64) then
    return redis.error_reply('audit: event ' .. n .. ' has no link hash')
  end
end
local id
for i = 5, #ARGV, 3 do
  local body, content = ARGV[i], ARGV[i + 1]
  seq = seq + 1
  local seqText = string.format('%d', seq)
  local hash
  if linked then
    hash = ARGV[i + 2]
  else
    hash = sha256(prev .. '\\n' .. seqText .. '\\n' .. content)
  end
  local record = '{"seq":' .. seqText .. ',"prevHash":"' .. prev .. '","hash":"' .. hash .. '",' .. string.sub(body, 2)
  id = redis.call('XADD', KEYS[1], '*', 'e', record)
  prev = hash
  if KEYS[3] then
    local ev = cjson.decode(body)
    local t = ev.type
    if t == 'rotation.succeeded' or t == 'rotation.recovered' or t == 'rotation.out_of_sync'
      or t == 'rotation.reconciled' or (t == 'rotation.failed' and ev.outcome == 'failed')
      or (t == 'heartbeat.checked' and ev.outcome == 'drifted') then
      -- The outbox entry is written in this same atomic step: an audited outcome is never unannounced.
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', '100000', '*', 'e', record)
    end
  end
end
local seqText = string.format('%d', seq)
if id then
  redis.call('HSET', KEYS[2], 'seq', seqText, 'hash', prev, 'headId', id)
end

local maxEvents = tonumber(ARGV[1])
local maxAgeMs = tonumber(ARGV[2])
if maxEvents == 0 and maxAgeMs == 0 then
  return {seqText, prev, 0}
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
  return {seqText, prev, 0}
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
  return {seqText, prev, 0}
end
redis.call('XDEL', KEYS[1], unpack(ids))
redis.call('HSET', KEYS[2], 'anchorSeq', string.format('%d', anchorSeq), 'anchorHash', anchorHash)
return {seqText, prev, #ids}
`;
