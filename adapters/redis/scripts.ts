/**
 * The Lua scripts of the Redis adapter. Each runs atomically on the server and is one round trip
 * (EVALSHA, sent again as EVAL on NOSCRIPT; see `driver.ts`).
 *
 * Rules every script keeps:
 * - Expiry is decided against the `now` passed in (ST-3); native TTLs only collect garbage.
 * - The record's JSON is stored exactly as the client sent it and never decoded or re-encoded here
 *   (ST-6: cjson would turn `{}` into `[]`, round large numbers and escape `/`). What a script must
 *   know (version, expiresAt, userId, index token) is passed in ARGV and kept in separate hash fields.
 * - Mode `'1'` (single node): the user index and the lock expiry set are updated in the same script,
 *   with keys built from the prefix. Mode `'0'` (Cluster): a script touches only its declared key, and
 *   the client updates the user index in the user's slot as a separate step.
 * - A session keeps no key but its record and, while bound, its user-index entry: no expiry index
 *   (`purgeExpired` walks the records with SCAN), so an anonymous session costs Redis one string.
 *
 * @packageDocumentation
 */
import { type Script, script } from './driver.js';

/**
 * A Lua helper and the helpers it calls. Each script carries only the helpers it calls: Redis runs a
 * script's whole text on every call, so every `local function` is a closure built again each time,
 * used or not (ten of them cost the write about 2 us of Redis CPU per call).
 * @internal
 */
interface Helper {
  readonly lua: string;
  readonly needs: readonly Helper[];
}

/** A helper from its Lua text and the helpers that text calls. @internal */
const helper = (lua: string, ...needs: Helper[]): Helper => ({ lua, needs });

/**
 * A script of `body` preceded by the helpers it calls and theirs, each once, each after those it calls.
 * @internal
 */
function compose(body: string, ...helpers: Helper[]): Script {
  const order: Helper[] = [];
  const visit = (h: Helper): void => {
    if (order.includes(h)) return;
    for (const need of h.needs) visit(need);
    order.push(h);
  };
  for (const h of helpers) visit(h);
  return script(order.map((h) => h.lua).join('') + body);
}

// The helpers build the same key names as `keys.ts` and read the record value `value.ts` writes.
const RKEY = helper(`
local function rkey(p, sid) return p .. ':s:{' .. sid .. '}' end
`);
const UKEY = helper(`
local function ukey(p, u) return p .. ':u:{' .. u .. '}' end
`);
const LKEY = helper(`
local function lkey(p, name) return p .. ':l:{' .. name .. '}' end
`);
const SPLIT = helper(`
local function split(field)
  local c = string.find(field, ':', 1, true)
  if not c then return '', field end
  return string.sub(field, 1, c - 1), string.sub(field, c + 1)
end
`);
const INDEX_ADD = helper(
  `
local function index_add(p, u, tok, sid, now, ttl)
  local k = ukey(p, u)
  redis.call('HSET', k, tok .. ':' .. sid, now)
  if redis.call('PTTL', k) < tonumber(ttl) then redis.call('PEXPIRE', k, ttl) end
end
`,
  UKEY,
);
const INDEX_DEL = helper(
  `
local function index_del(p, u, tok, sid)
  redis.call('HDEL', ukey(p, u), tok .. ':' .. sid)
end
`,
  UKEY,
);
const LOAD = helper(`
-- The record at key, in either layout, as found, e, u, t, w, g, v, tail, es. found: nil when there is
-- none; false (and nothing else) when the key holds another type or a string whose trailer does not
-- decode (SEC-3); else true, with e = expiresAt (nil when not a number), u = userId, t = token, w = write
-- id (nil on a hash stored by store contract 1), g = the instant its TTL reaches (0 for a hash),
-- v = version (hash only), tail = bytes after the JSON (nil for a hash), es = expiresAt's text. Values,
-- not a table: building a table with its fields on every call costs the write more than its own logic.
-- A string is read from its end (value.ts): the JSON is never copied.
local function load(key)
  local s = redis.pcall('GETRANGE', key, -128, -1)
  if type(s) == 'table' then
    if redis.call('TYPE', key).ok ~= 'hash' then return false end
    local c = redis.call('HMGET', key, 'v', 'e', 'w', 'u', 't')
    return true, tonumber(c[2]), c[4] or '', c[5] or '', c[3] or nil, 0, tonumber(c[1]), nil, c[2] or ''
  end
  if s == '' then
    if redis.call('EXISTS', key) == 1 then return false end
    return nil
  end
  -- The trailer's length is the last word: scanned from the end (a pattern would try every position).
  local i = #s
  while i > 0 and string.byte(s, i) ~= 32 do i = i - 1 end
  local n = tonumber(string.sub(s, i + 1))
  if i == 0 or not n or n < 1 or n % 1 ~= 0 then return false end
  local tail = n + #s - i + 1
  if tail > #s then s, i = redis.call('GETRANGE', key, -tail, -1), tail - (#s - i) end
  if #s < tail or string.byte(s, #s - tail + 1) ~= 10 then return false end
  local es, gs, t, nw, q = string.match(s, '^(%S+) (%S+) (%S*) (%d+) ()', #s - tail + 2)
  if not q then return false end
  return true, tonumber(es), string.sub(s, q + nw, i - 1), t, string.sub(s, q, q + nw - 1), tonumber(gs) or 0,
    nil, tail, es
end
`);
const JSON_OF = helper(`
-- The JSON of a record load() found, by its tail.
local function json_of(key, tail)
  if tail == nil then return redis.call('HGET', key, 'r') or '' end
  return redis.call('GETRANGE', key, 0, -tail - 1)
end
`);
const END_ENTRY = helper(
  `
-- destroyByUser, one index entry of user u: delete its record if still bound under the entry's token,
-- then the entry; skip sessions in keep. Appends the deleted id to out.
local function end_entry(p, u, index, f, keep, out)
  local tok, sid = split(f)
  if keep[sid] then return end
  local rk = rkey(p, sid)
  local found, _, ru, rt = load(rk)
  if found and ru == u and rt == tok then
    redis.call('DEL', rk)
    table.insert(out, sid)
  end
  redis.call('HDEL', index, f)
end
`,
  SPLIT,
  RKEY,
  LOAD,
);

/**
 * create of a bound session on a single node (an anonymous one, and any on Cluster, is a plain
 * `SET ... NX PX`). KEYS: record. ARGV: value (see `value.ts`), userId, token, ttlMs, prefix,
 * sessionId, now. Returns 1, or 0 when a record (or any key) already holds the id (ID-4).
 * @internal
 */
const CREATE = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[4]) then return 0 end
index_add(ARGV[5], ARGV[2], ARGV[3], ARGV[6], ARGV[7], ARGV[4])
return 1
`;

/**
 * Peek at a record in either layout: the read of a record stored as a hash by an earlier version (a
 * plain `GET` answers `WRONGTYPE` for it), and the Cluster adapter's check of index entries. KEYS:
 * record. Returns nil when absent, 'corrupt' when the key holds no record (SEC-3), else
 * [json, expiresAt, userId, token] ('' for a missing field).
 * @internal
 */
const READ = `
local found, _, u, t, _, _, _, tail, es = load(KEYS[1])
if found == nil then return nil end
if found == false then return 'corrupt' end
return { json_of(KEYS[1], tail), es, u, t }
`;

/**
 * write (CAS, CC-1). KEYS: record. ARGV: value (`value.ts`, with the token ARGV[6], or '' when
 * anonymous), expected (write id), now, version, userId, token, index ('1': single node, the script
 * updates the user index; '0': Cluster; 'c': Cluster, the client already added the index entry
 * `token:sessionId` in the new user's slot), collectAt. The prefix and session id the index needs are
 * read from the record's key. The condition is the stored write id; a hash stored by store contract 1
 * has none and matches on its version, `version - 1`, once. A hash stored by an earlier version becomes
 * the string layout. Returns
 * 'gone', 'expired', 'conflict', 'claim' (Cluster: the binding changes and no entry was claimed yet;
 * nothing was written), 'ok', or (Cluster) ['ok', releaseUser, releaseToken]: the index entry the
 * client must now remove. A plain string costs Redis less to return than a table.
 *
 * On the common path (same user, expiry not earlier, TTL far enough) it runs GETRANGE (the trailer)
 * and SET, plus SETRANGE (the kept token) for a bound session; once per collectAt step, PEXPIRE of the
 * record and of the user index.
 * @internal
 */
const WRITE = `
local found, e, oldU, oldT, w, g, v, tail = load(KEYS[1])
-- SEC-3: a record whose fields do not decode reads as absent, so there is nothing to replace (CC-4).
if not found or e == nil or (tail == nil and v == nil) then return 'gone' end
if tonumber(ARGV[3]) >= e then return 'expired' end
-- CC-1: the write id is unique per write; a version reused after a fail-over never matches it.
if w then
  if w ~= ARGV[2] then return 'conflict' end
elseif v ~= tonumber(ARGV[4]) - 1 then return 'conflict' end
local newU = ARGV[5]
local tok
if newU == '' then tok = ''
-- The stored token is kept while the user stays (no index change), patched into the client's value in
-- place; one of another length (stored by an earlier version) is replaced like a new binding.
elseif newU == oldU and #oldT == #ARGV[6] and ARGV[7] ~= 'c' then tok = oldT
elseif ARGV[7] ~= '0' then tok = ARGV[6]
else return 'claim' end
-- ARGV[1] is the value of value.ts with token ARGV[6] ('' when anonymous) and collectAt ARGV[8].
redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
if tok ~= ARGV[6] and tok ~= '' then
  -- The token follows the trailer's second space: '\\n<expiresAt> <collectAt> <token>'.
  local at = string.find(ARGV[1], ' ', string.find(ARGV[1], '\\n', 1, true), true) + #ARGV[8] + 1
  redis.call('SETRANGE', KEYS[1], at, tok)
end
-- ST-3: the TTL already reaches the stored collectAt; it is extended only past it, and only ever moves
-- later: a write from a clock running ahead never shortens the TTL a slower clock relies on. The TTL to
-- collectAt is worked out here, where it is used, rather than sent with every write.
local extend = tonumber(ARGV[8]) > g
if extend then redis.call('PEXPIRE', KEYS[1], math.ceil(ARGV[8] - ARGV[3]), 'GT') end
local relU, relT = '', ''
if oldU ~= '' and (oldU ~= newU or oldT ~= tok) then relU, relT = oldU, oldT end
if ARGV[7] == '1' then
  local add = tok ~= '' and (tok ~= oldT or extend)
  if relU == '' and not add then return 'ok' end
  -- The record's key is P:s:{sessionId}, and a prefix holds no brace (keys.ts): both come from it.
  local b = string.find(KEYS[1], '{', 1, true)
  local p, sid = string.sub(KEYS[1], 1, b - 4), string.sub(KEYS[1], b + 1, -2)
  if relU ~= '' then index_del(p, relU, relT, sid) end
  if add then
    local ttl = math.ceil(ARGV[8] - ARGV[3])
    if tok ~= oldT then index_add(p, newU, tok, sid, ARGV[3], ttl)
    else redis.call('PEXPIRE', ukey(p, newU), ttl, 'GT') end
  end
  return 'ok'
end
if relU == '' then return 'ok' end
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
local found, _, u, tok = load(KEYS[1])
if found == nil then return { 0, '', '' } end
if not found then u, tok = '', '' end
if ARGV[4] and (u ~= ARGV[4] or tok ~= ARGV[5]) then return { 0, '', '' } end
redis.call('DEL', KEYS[1])
if ARGV[1] == '1' then
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
local out, seen, now = {}, {}, tonumber(ARGV[1])
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  local tok, sid = split(f)
  local rk = rkey(ARGV[2], sid)
  local found, e, u, t, _, _, _, tail = load(rk)
  if found and u == ARGV[3] and t == tok then
    if e ~= nil and now < e and not seen[sid] then
      seen[sid] = true
      table.insert(out, json_of(rk, tail))
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
  local rk = rkey(ARGV[2], sid)
  local found, e, u, t, _, _, _, tail = load(rk)
  if found and u == ARGV[3] and t == tok then
    if e ~= nil and now < e then out[#out + 1] = json_of(rk, tail) end
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
 * purgeExpired on a single node, one SCAN step (ST-2, ST-5). KEYS: the lock expiry set. ARGV: now,
 * prefix, cursor, count, the SCAN pattern of the prefix's records. Deletes the records among about
 * `count` keys that are expired at `now` (and those whose fields do not decode, SEC-3) with their index
 * entries, and the locks whose TTL passed; the first step also removes the expiry set an earlier
 * version kept (`P:x`). SCAN returns every key present from the first step to the last, so the steps
 * together miss no record. Returns [next cursor ('0' when done), deleted].
 * @internal
 */
const PURGE = `
local now, p = tonumber(ARGV[1]), ARGV[2]
if ARGV[3] == '0' then redis.call('UNLINK', p .. ':x') end
local scan = redis.call('SCAN', ARGV[3], 'MATCH', ARGV[5], 'COUNT', ARGV[4])
local n, first = 0, #p + 4
for _, rk in ipairs(scan[2]) do
  -- Only keys of the form P:s:{sessionId}: the pattern cannot say that the id is braced.
  local found, e, u, t = nil, nil, nil, nil
  if string.byte(rk, first) == 123 and string.byte(rk, -1) == 125 then found, e, u, t = load(rk) end
  if found ~= nil and not (found and e ~= nil and now < e) then
    redis.call('DEL', rk)
    n = n + 1
    if found and u ~= '' then index_del(p, u, t, string.sub(rk, first + 1, -2)) end
  end
end
for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[4])) do
  local lk = lkey(p, name)
  local u = redis.call('TYPE', lk).ok == 'hash' and tonumber(redis.call('HGET', lk, 'u')) or nil
  if u == nil or now >= u then
    redis.call('DEL', lk)
    redis.call('ZREM', KEYS[1], name)
  else
    redis.call('ZADD', KEYS[1], u, name)
  end
end
return { scan[1], n }
`;

/**
 * purgeExpired on Cluster, one record found by SCAN. KEYS: record. ARGV: now. Returns
 * [deleted (0|1), userId, token] of the deleted record's index entry, which the client then removes.
 * @internal
 */
const PURGE_ONE = `
local found, e, u, t = load(KEYS[1])
if found == nil then return { 0, '', '' } end
if found == false then redis.call('DEL', KEYS[1]); return { 1, '', '' } end
if e ~= nil and tonumber(ARGV[1]) < e then return { 0, '', '' } end
redis.call('DEL', KEYS[1])
return { 1, u, t }
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
  create: compose(CREATE, INDEX_ADD),
  read: compose(READ, LOAD, JSON_OF),
  write: compose(WRITE, LOAD, UKEY, INDEX_ADD, INDEX_DEL),
  destroy: compose(DESTROY, LOAD, INDEX_DEL),
  list: compose(LIST, SPLIT, RKEY, LOAD, JSON_OF),
  destroyByUser: compose(DESTROY_BY_USER, END_ENTRY),
  listPage: compose(LIST_PAGE, SPLIT, RKEY, LOAD, JSON_OF),
  destroyByUserStep: compose(DESTROY_BY_USER_STEP, END_ENTRY),
  purge: compose(PURGE, LOAD, LKEY, INDEX_DEL),
  purgeOne: compose(PURGE_ONE, LOAD),
  acquire: compose(ACQUIRE),
  release: compose(RELEASE),
  purgeLock: compose(PURGE_LOCK),
} as const satisfies Record<string, Script>;

/** The name of a script. @internal */
export type ScriptName = keyof typeof SCRIPTS;
