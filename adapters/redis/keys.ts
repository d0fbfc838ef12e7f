/**
 * The key layout of the Redis adapter (see `docs/redis.md`). Every key of one session, and the lock
 * named after it, carries the session id as its hash tag, so they share one Redis Cluster slot; a
 * user's index carries the user id as its hash tag and lives in the user's slot.
 *
 * @packageDocumentation
 */

/**
 * The key names under one prefix `P`:
 * - `P:s:{sessionId}`: the record, a string: its JSON, a newline, then expiresAt, token, write id and
 *   userId (`value.ts`). Records stored by earlier versions are hashes `{ r: json, v: version,
 *   e: expiresAt, w: writeId, u: userId, t: token }` (no `w` under store contract 1): they are read as
 *   they are and become strings on their next write;
 * - `P:u:{userId}`: the user index, a hash `"<token>:<sessionId>" -> claim time`;
 * - `P:l:{name}`: a lock, a hash `{ o: owner, u: until }`;
 * - `P:lx` (single node only): a sorted set of lock names by `until`, so that purging reads only the
 *   locks that have expired;
 * - `P:x`: the sorted set of session ids by `expiresAt` that earlier versions kept on a single node;
 *   the first purge removes it. Records are purged by SCAN over `P:s:*` (`recordPattern`).
 * @internal
 */
export interface KeyLayout {
  readonly prefix: string;
  record(sessionId: string): string;
  user(userId: string): string;
  lock(name: string): string;
  readonly lockExpiry: string;
  /** A SCAN `MATCH` pattern for every key under the prefix. */
  readonly pattern: string;
  /** A SCAN `MATCH` pattern for the record keys under the prefix (and whatever else starts `P:s:`). */
  readonly recordPattern: string;
  /** Classify a raw key found by SCAN. */
  parse(
    key: string,
  ): { kind: 'record' | 'user' | 'lock'; id: string } | { kind: 'expiry' | 'lockExpiry' | 'other' };
}

/**
 * Escape the glob characters of SCAN `MATCH`, so a prefix is matched literally.
 * @internal
 */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Whether `prefix` can namespace keys: a non-empty string with no `{` or `}`, which would move the hash
 * tag into the prefix and put every session of the namespace in one Cluster slot.
 * @internal
 */
export function isValidPrefix(prefix: unknown): prefix is string {
  return typeof prefix === 'string' && prefix.length > 0 && !/[{}]/.test(prefix);
}

/**
 * The key layout under `prefix`. The Lua scripts build the same names (`scripts.ts`, `rkey`/`ukey`).
 * @param prefix - a prefix accepted by {@link isValidPrefix}.
 * @returns the layout.
 * @internal
 */
export function keyLayout(prefix: string): KeyLayout {
  const families = { s: 'record', u: 'user', l: 'lock' } as const;
  return {
    prefix,
    record: (sessionId) => `${prefix}:s:{${sessionId}}`,
    user: (userId) => `${prefix}:u:{${userId}}`,
    lock: (name) => `${prefix}:l:{${name}}`,
    lockExpiry: `${prefix}:lx`,
    pattern: `${escapeGlob(prefix)}:*`,
    recordPattern: `${escapeGlob(prefix)}:s:*`,
    parse(key) {
      const rest = key.slice(prefix.length + 1);
      if (!key.startsWith(`${prefix}:`)) return { kind: 'other' };
      if (rest === 'x') return { kind: 'expiry' };
      if (rest === 'lx') return { kind: 'lockExpiry' };
      const family = families[rest[0] as keyof typeof families];
      if (family !== undefined && rest.startsWith(':{', 1) && rest.endsWith('}')) {
        return { kind: family, id: rest.slice(3, -1) };
      }
      return { kind: 'other' };
    },
  };
}
