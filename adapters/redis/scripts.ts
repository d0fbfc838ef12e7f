/**
 * The Lua scripts of the Redis adapter. Each runs atomically on the server and is one round trip
 * (EVALSHA, sent again as EVAL on NOSCRIPT; see `driver.ts`).
 *
 * Rules every script keeps:
 * - Expiry is decided against the `now` passed in (ST-3); native TTLs only collect garbage.
 * - The record's JSON is stored exactly as the client sent it and never decoded or re-encoded here
 *   (ST-6: cjson would turn `{}` into `[]`, round large numbers and escape `/`). What a script must
 *   know (version, expiresAt, userId, index token) is passed in ARGV and kept in separate hash fields.
 * - Mode `'1'` (single node): the user index and the expiry sets are updated in the same script, with
 *   keys built from the prefix. Mode `'0'` (Cluster): a script touches only its declared key, and the
 *   client updates the user index in the user's slot as a separate step.
 *
 * @packageDocumentation
 */
import { type Script, script } from './driver.js';

/** Helpers shared by the scripts; they build the same key names as `keys.ts`. @internal */
const PRELUDE = `
local function rkey(p, sid) return p .. ':s:{' .. sid .. '}' end
local function ukey(p, u) return p .. ':u:{' .. u .. '}' end
local function lkey(p, name) return p .. ':l:{' .. name .. '}' end
local function split(field)
  local c = string.find(field, ':', 1, true)
  if not c then return '', field end
  return string.sub(field, 1, c - 1), string.sub(field, c + 1)
end
local function touch(key, ttl)
  local left = redis.call('PTTL', key)
  if left < tonumber(ttl) then redis.call('PEXPIRE', key, ttl) end
end
local function index_add(p, u, tok, sid, now, ttl)
  local k = ukey(p, u)
  redis.call('HSET', k, tok .. ':' .. sid, now)
  touch(k, ttl)
end
local function index_del(p, u, tok, sid)
  redis.call('HDEL', ukey(p, u), tok .. ':' .. sid)
end
local function binding(key)
  if redis.call('TYPE', key).ok ~= 'hash' then return nil end
  local c = redis.call('HMGET', key, 'u', 't')
  return c[1] or '', c[2] or ''
end
-- destroyByUser, one index entry of user u: delete its record if still bound under the entry's token,
-- then the entry; skip sessions in keep. Appends the deleted id to out.
local function end_entry(p, u, index, f, keep, out)
  local tok, sid = split(f)
  if keep[sid] then return end
  local rk = rkey(p, sid)
  local bu, bt = binding(rk)
  if bu == u and bt == tok then
    redis.call('DEL', rk)
    redis.call('ZREM', p .. ':x', sid)
    table.insert(out, sid)
  end
  redis.call('HDEL', index, f)
end
`;

/**
 * create. KEYS: record. ARGV: json, version, expiresAt, userId ('' for none), token, ttlMs, mode,
 * prefix, sessionId, now, writeId. Returns 1, or 0 when a record (or any key) already holds the id (ID-4).
 * @internal
 */
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'v', ARGV[2], 'e', ARGV[3], 'w', ARGV[11])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'u', ARGV[4], 't', ARGV[5]) end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if ARGV[7] == '1' then
  redis.call('ZADD', ARGV[8] .. ':x', ARGV[3], ARGV[9])
  if ARGV[4] ~= '' then index_add(ARGV[8], ARGV[4], ARGV[5], ARGV[9], ARGV[10], ARGV[6]) end
end
return 1
`;

/**
 * read (and the Cluster adapter's peek). KEYS: record. Returns nil when absent, 'corrupt' when the key
 * is not a record hash (SEC-3), else [json, expiresAt, userId, token] ('' for a missing field).
 * @internal
 */
const READ = `
local t = redis.call('TYPE', KEYS[1]).ok
if t == 'none' then return nil end
if t ~= 'hash' then return 'corrupt' end
local c = redis.call('HMGET', KEYS[1], 'r', 'e', 'u', 't')
return { c[1] or '', c[2] or '', c[3] or '', c[4] or '' }
`;

/**
 * write (CAS, CC-1). KEYS: record. ARGV: json, expected (write id), now, version, expiresAt, userId,
 * token, ttlMs, mode, prefix, sessionId, claimed ('1' when the client already added the index entry
 * `token:sessionId` in the new user's slot), writeId. The condition is the stored write id `w`; a
 * record stored by store contract 1 has none and matches on its version, `version - 1`, once. Returns ['gone'|'expired'|'conflict'], ['claim'] (Cluster:
 * the binding changes and no entry was claimed yet; nothing was written), or
 * ['ok', releaseUser, releaseToken]: the index entry the client must now remove ('' for none; always ''
 * on a single node, where the script removed it).
 * @internal
 */
const WRITE = `
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return { 'gone' } end
local c = redis.call('HMGET', KEYS[1], 'v', 'e', 'u', 't', 'w')
local v, e = tonumber(c[1]), tonumber(c[2])
-- SEC-3: a record whose fields do not decode reads as absent, so there is nothing to replace (CC-4).
if v == nil or e == nil then return { 'gone' } end
if tonumber(ARGV[3]) >= e then return { 'expired' } end
-- CC-1: the write id is unique per write; a version reused after a fail-over never matches it.
if c[5] then
  if c[5] ~= ARGV[2] then return { 'conflict' } end
elseif v ~= tonumber(ARGV[4]) - 1 then return { 'conflict' } end
local oldU, oldT, newU = c[3] or '', c[4] or '', ARGV[6]
local tok
if newU == '' then tok = ''
elseif newU == oldU and oldT ~= '' and ARGV[12] ~= '1' then tok = oldT
elseif ARGV[9] == '1' or ARGV[12] == '1' then tok = ARGV[7]
else return { 'claim' } end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'v', ARGV[4], 'e', ARGV[5], 'w', ARGV[13])
if tok == '' then redis.call('HDEL', KEYS[1], 'u', 't')
else redis.call('HSET', KEYS[1], 'u', newU, 't', tok) end
-- Garbage collection only ever moves later: a write from a clock running ahead never shortens the
-- TTL a slower clock relies on (ST-3).
redis.call('PEXPIRE', KEYS[1], ARGV[8], 'GT')
local relU, relT = '', ''
if oldU ~= '' and (oldU ~= newU or oldT ~= tok) then relU, relT = oldU, oldT end
if ARGV[9] == '1' then
  redis.call('ZADD', ARGV[10] .. ':x', ARGV[5], ARGV[11])
  if relU ~= '' then index_del(ARGV[10], relU, relT, ARGV[11]) end
  if tok ~= '' and tok ~= oldT then index_add(ARGV[10], newU, tok, ARGV[11], ARGV[3], ARGV[8])
  elseif tok ~= '' then touch(ukey(ARGV[10], newU), ARGV[8]) end
  return { 'ok', '', '' }
end
return { 'ok', relU, relT }
`;

/**
 * destroy (LC-6). KEYS: record. ARGV: mode, prefix, sessionId, [userId, token]: when the last two are
 * given, delete only if the record is bound to that user under that token (destroyByUser on Cluster).
 * Returns [deleted (0|1), userId, token] of the deleted record's index entry ('' when none, or when the
 * script removed it on a single node).
 * @internal
 */
const DESTROY = `
local t = redis.call('TYPE', KEYS[1]).ok
if t == 'none' then return { 0, '', '' } end
local u, tok = '', ''
if t == 'hash' then u, tok = binding(KEYS[1]) end
if ARGV[4] and (u ~= ARGV[4] or tok ~= ARGV[5]) then return { 0, '', '' } end
redis.call('DEL', KEYS[1])
if ARGV[1] == '1' then
  redis.call('ZREM', ARGV[2] .. ':x', ARGV[3])
  if u ~= '' then index_del(ARGV[2], u, tok, ARGV[3]) end
  return { 1, '', '' }
end
return { 1, u, tok }
`;

/**
 * listByUser on a single node (LC-9). KEYS: user index. ARGV: now, prefix, userId. Returns the JSON of
 * the user's live records. Entries whose record Redis already collected are removed.
 * @internal
 */
const LIST = `
local out, seen = {}, {}
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  local tok, sid = split(f)
  local rk = rkey(ARGV[2], sid)
  local u, t = binding(rk)
  if u == ARGV[3] and t == tok then
    local c = redis.call('HMGET', rk, 'r', 'e')
    local e = tonumber(c[2])
    if e ~= nil and tonumber(ARGV[1]) < e and not seen[sid] then
      seen[sid] = true
      table.insert(out, c[1] or '')
    end
  else
    redis.call('HDEL', KEYS[1], f)
  end
end
return out
`;

/**
 * One page of listByUser on a single node (LC-9, store contract 2). KEYS: user index. ARGV: now,
 * prefix, userId, cursor, count. One HSCAN step over about `count` entries, checked as LIST checks
 * them. Returns [next cursor ('0' when done), json...].
 * @internal
 */
const LIST_PAGE = `
local scan = redis.call('HSCAN', KEYS[1], ARGV[4], 'COUNT', ARGV[5])
local out, fields, now = { scan[1] }, scan[2], tonumber(ARGV[1])
for i = 1, #fields, 2 do
  local f = fields[i]
  local tok, sid = split(f)
  -- One call per entry: a key of another type answers an error, read as "not bound" (SEC-3).
  local c = redis.pcall('HMGET', rkey(ARGV[2], sid), 'u', 't', 'r', 'e')
  if type(c) == 'table' and c.err == nil and c[1] == ARGV[3] and c[2] == tok then
    local e = tonumber(c[4])
    if e ~= nil and now < e then out[#out + 1] = c[3] or '' end
  else
    redis.call('HDEL', KEYS[1], f)
  end
end
return out
`;

/**
 * One step of destroyByUser on a single node (LC-9, LC-10, store contract 2). KEYS: user index. ARGV:
 * prefix, userId, cursor, count, ...except. One HSCAN step over about `count` entries, deleted as
 * DESTROY_BY_USER deletes them. HSCAN returns every entry present from the first step to the last, so
 * the steps together miss no session bound before the first (CK-6). Returns [next cursor ('0' when
 * done), sessionId...].
 * @internal
 */
const DESTROY_BY_USER_STEP = `
local scan = redis.call('HSCAN', KEYS[1], ARGV[3], 'COUNT', ARGV[4])
local keep, out, fields = {}, { scan[1] }, scan[2]
for i = 5, #ARGV do keep[ARGV[i]] = true end
for i = 1, #fields, 2 do end_entry(ARGV[1], ARGV[2], KEYS[1], fields[i], keep, out) end
return out
`;

/**
 * destroyByUser on a single node (LC-9, LC-10). KEYS: user index. ARGV: prefix, userId, ...except.
 * Returns the deleted session ids.
 * @internal
 */
const DESTROY_BY_USER = `
local keep, out = {}, {}
for i = 3, #ARGV do keep[ARGV[i]] = true end
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do end_entry(ARGV[1], ARGV[2], KEYS[1], f, keep, out) end
return out
`;

/**
 * purgeExpired on a single node, one batch (ST-2, ST-5). KEYS: the expiry set. ARGV: now, prefix,
 * batch. Deletes the records expired at `now` (and those whose fields do not decode, SEC-3) with their
 * index entries, and the locks whose TTL passed. Returns [deleted, examined]: the client calls again
 * while `examined` equals `batch`.
 * @internal
 */
const PURGE = `
local now, p = tonumber(ARGV[1]), ARGV[2]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local n = 0
for _, sid in ipairs(ids) do
  local rk = rkey(p, sid)
  local t = redis.call('TYPE', rk).ok
  if t == 'hash' then
    local c = redis.call('HMGET', rk, 'e', 'u', 't')
    local e = tonumber(c[1])
    if e == nil or now >= e then
      redis.call('DEL', rk)
      n = n + 1
      if c[2] then index_del(p, c[2], c[3] or '', sid) end
      redis.call('ZREM', KEYS[1], sid)
    else
      redis.call('ZADD', KEYS[1], e, sid)
    end
  else
    if t ~= 'none' then redis.call('DEL', rk); n = n + 1 end
    redis.call('ZREM', KEYS[1], sid)
  end
end
local lx = p .. ':lx'
for _, name in ipairs(redis.call('ZRANGEBYSCORE', lx, '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
  local lk = lkey(p, name)
  local u = redis.call('TYPE', lk).ok == 'hash' and tonumber(redis.call('HGET', lk, 'u')) or nil
  if u == nil or now >= u then
    redis.call('DEL', lk)
    redis.call('ZREM', lx, name)
  else
    redis.call('ZADD', lx, u, name)
  end
end
return { n, #ids }
`;

/**
 * purgeExpired on Cluster, one record found by SCAN. KEYS: record. ARGV: now. Returns
 * [deleted (0|1), userId, token] of the deleted record's index entry, which the client then removes.
 * @internal
 */
const PURGE_ONE = `
local t = redis.call('TYPE', KEYS[1]).ok
if t == 'none' then return { 0, '', '' } end
if t ~= 'hash' then redis.call('DEL', KEYS[1]); return { 1, '', '' } end
local c = redis.call('HMGET', KEYS[1], 'e', 'u', 't')
local e = tonumber(c[1])
if e ~= nil and tonumber(ARGV[1]) < e then return { 0, '', '' } end
redis.call('DEL', KEYS[1])
return { 1, c[2] or '', c[3] or '' }
`;

/**
 * Lock acquire (CC-5). KEYS: lock. ARGV: owner, until, now, ttlMs, mode, prefix, name. Takes the lock
 * when it is free, its TTL passed at `now`, or it is already the owner's (the TTL is refreshed).
 * Returns 1 when `owner` holds the lock.
 * @internal
 */
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return 0 end
  local c = redis.call('HMGET', KEYS[1], 'o', 'u')
  local u = tonumber(c[2])
  if c[1] ~= ARGV[1] and u ~= nil and tonumber(ARGV[3]) < u then return 0 end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'o', ARGV[1], 'u', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if ARGV[5] == '1' then redis.call('ZADD', ARGV[6] .. ':lx', ARGV[2], ARGV[7]) end
return 1
`;

/**
 * Lock release (CC-5): compare-and-delete on the owner. KEYS: lock. ARGV: owner, mode, prefix, name.
 * Returns 1 when released.
 * @internal
 */
const RELEASE = `
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return 0 end
if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[2] == '1' then redis.call('ZREM', ARGV[3] .. ':lx', ARGV[4]) end
return 1
`;

/**
 * Lock purge on Cluster, one lock found by SCAN. KEYS: lock. ARGV: now. Deletes it when its TTL passed
 * at `now`. Returns 1 when deleted.
 * @internal
 */
const PURGE_LOCK = `
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return 0 end
local u = tonumber(redis.call('HGET', KEYS[1], 'u'))
if u ~= nil and tonumber(ARGV[1]) < u then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * Every script, by the name the store calls it, with its SHA-1 for EVALSHA.
 * @internal
 */
export const SCRIPTS = {
  create: script(PRELUDE + CREATE),
  read: script(PRELUDE + READ),
  write: script(PRELUDE + WRITE),
  destroy: script(PRELUDE + DESTROY),
  list: script(PRELUDE + LIST),
  destroyByUser: script(PRELUDE + DESTROY_BY_USER),
  listPage: script(PRELUDE + LIST_PAGE),
  destroyByUserStep: script(PRELUDE + DESTROY_BY_USER_STEP),
  purge: script(PRELUDE + PURGE),
  purgeOne: script(PRELUDE + PURGE_ONE),
  acquire: script(PRELUDE + ACQUIRE),
  release: script(PRELUDE + RELEASE),
  purgeLock: script(PRELUDE + PURGE_LOCK),
} as const satisfies Record<string, Script>;

/** The name of a script. @internal */
export type ScriptName = keyof typeof SCRIPTS;
