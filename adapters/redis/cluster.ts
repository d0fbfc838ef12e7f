/**
 * The Redis store on Redis Cluster: the claim protocol that keeps the user index a superset of the
 * truth when a session's record and its user's index live in different slots (see `docs/redis.md`).
 * Binding: the entry first, then the record; unbinding: the record first, then the entry, within the
 * same call (ST-5). Every entry carries its own token, so concurrent bindings never remove each other's.
 *
 * @packageDocumentation
 */
import { nextCursorOf, type RedisCore, type ScanStep, type Topology } from './core.js';

/**
 * Split a user-index field `"<token>:<sessionId>"`.
 * @internal
 */
export function splitField(field: string): { token: string; sessionId: string } {
  const colon = field.indexOf(':');
  return { token: field.slice(0, colon), sessionId: field.slice(colon + 1) };
}

/**
 * The field/value pairs of an HGETALL reply: a flat array over RESP2, a map (object or `Map`) over
 * RESP3, depending on the client.
 * @internal
 */
function pairsOf(reply: unknown): [string, string][] {
  if (reply instanceof Map) return [...reply].map(([k, v]) => [String(k), String(v)]);
  if (!Array.isArray(reply)) return Object.entries(reply as object).map(([k, v]) => [k, String(v)]);
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([String(reply[i]), String(reply[i + 1])]);
  return pairs;
}

/**
 * The Cluster part of the store.
 * @internal
 */
export function cluster(core: RedisCore): Topology {
  const { keys, settings } = core;

  const claim = async (userId: string, token: string, sessionId: string, now: number): Promise<void> => {
    await core.command(keys.user(userId), 'HSET', keys.user(userId), `${token}:${sessionId}`, String(now));
  };
  const unclaim = async (userId: string, token: string, sessionId: string): Promise<void> => {
    await core.command(keys.user(userId), 'HDEL', keys.user(userId), `${token}:${sessionId}`);
  };

  /** The user's index fields and claim times, all of them or one HSCAN step's, and the next cursor. */
  const indexFields = async (
    userId: string,
    page: ScanStep | undefined,
  ): Promise<{ fields: [string, string][]; cursor: string | null }> => {
    const key = keys.user(userId);
    if (page === undefined) return { fields: pairsOf(await core.command(key, 'HGETALL', key)), cursor: null };
    const [next, flat] = (await core.command(
      key,
      'HSCAN',
      key,
      page.cursor,
      'COUNT',
      String(page.count),
    )) as [unknown, unknown];
    return { fields: pairsOf(flat), cursor: nextCursorOf(next) };
  };

  /**
   * The index entries `fields`, each with whether its record is bound to the user under its token, the
   * record's bytes and expiry, and the entry's claim time.
   */
  const entriesOf = async (userId: string, fields: [string, string][]) => {
    const ids = [...new Set(fields.map(([field]) => splitField(field).sessionId))];
    const peeks = new Map(
      await Promise.all(ids.map(async (id) => [id, await core.run('read', keys.record(id))] as const)),
    );
    return fields.map(([field, stamp]) => {
      const { token, sessionId } = splitField(field);
      const peek = peeks.get(sessionId);
      const [json, expiresAt, user, bound] = Array.isArray(peek) ? (peek as string[]) : [];
      const ok = user === userId && bound === token;
      return { field, sessionId, ok, json: json ?? '', expiresAt: Number(expiresAt), stamp: Number(stamp) };
    });
  };

  /** Remove entries with no matching record once they are older than the grace (ST-5). */
  const cleanIndex = async (userId: string, entries: Awaited<ReturnType<typeof entriesOf>>, now: number) => {
    const stale = entries
      .filter((entry) => !entry.ok && !(entry.stamp + settings.claimGraceMs > now))
      .map((entry) => entry.field);
    if (stale.length > 0) await core.command(keys.user(userId), 'HDEL', keys.user(userId), ...stale);
  };

  return {
    mode: '0',
    userIndex: 'superset',
    claim,
    unclaim,

    async listByUser(userId, now, page) {
      const index = await indexFields(userId, page);
      const entries = await entriesOf(userId, index.fields);
      await cleanIndex(userId, entries, now);
      const byId = new Map<string, string>();
      for (const entry of entries) {
        if (entry.ok && now < entry.expiresAt) byId.set(entry.sessionId, entry.json);
      }
      return { json: [...byId.values()], cursor: index.cursor };
    },

    async destroyByUser(userId, except, page) {
      // CK-6: every binding made before this call has its entry already (entries come first), and
      // HSCAN returns every entry present from the first step to the last.
      const keep = new Set(except);
      const index = await indexFields(userId, page);
      const deleted = await Promise.all(
        index.fields.map(async ([field]) => {
          const { token, sessionId } = splitField(field);
          if (keep.has(sessionId)) return undefined;
          const [done] = (await core.run(
            'destroy',
            keys.record(sessionId),
            '0',
            settings.prefix,
            sessionId,
            userId,
            token,
          )) as [number];
          if (done !== 1) return undefined;
          await unclaim(userId, token, sessionId);
          return sessionId;
        }),
      );
      return { deleted: [...new Set(deleted.filter((id) => id !== undefined))], cursor: index.cursor };
    },

    async purgeExpired(now) {
      // Correctness over speed: SCAN finds every record on every master; each is checked and deleted
      // by a script in its own slot, then its index entry goes.
      const found = (await core.scan()).map((key) => ({ key, parsed: keys.parse(key) }));
      let total = 0;
      const purgeOne = async ({ key, parsed }: (typeof found)[number]): Promise<void> => {
        if (parsed.kind === 'record') {
          const [deleted, userId = '', token = ''] = (await core.run('purgeOne', key, now)) as [
            number,
            string?,
            string?,
          ];
          total += deleted;
          if (userId !== '') await unclaim(userId, token, parsed.id);
        } else if (parsed.kind === 'lock') {
          await core.run('purgeLock', key, now);
        }
      };
      // A bounded number of keys in flight at a time: each is its own slot, so its own round trip.
      for (let i = 0; i < found.length; i += settings.purgeBatch) {
        await Promise.all(found.slice(i, i + settings.purgeBatch).map(purgeOne));
      }
      // Then what a crash between two steps left in the user index (ST-5).
      for (const { parsed } of found) {
        if (parsed.kind === 'user') {
          const { fields } = await indexFields(parsed.id, undefined);
          await cleanIndex(parsed.id, await entriesOf(parsed.id, fields), now);
        }
      }
      return total;
    },
  };
}
