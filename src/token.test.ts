import { createHash, timingSafeEqual } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { loggedIn, setup, stored, tokenOf } from '../test/stores.js';
import { formatToken, parseToken, type SessionRecord } from './index.js';
import { newSecret, newSessionId } from './token.js';

// A spy on the comparison primitive (a dependency, not the thing under test), to see it used (ID-2).
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const B64URL = /^[A-Za-z0-9_-]+$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

describe('tokens', () => {
  it('ID-1: a token is <sessionId>.<secret>, 128 and 256 random bits in base64url, all distinct', async () => {
    const { manager } = setup();
    const ids = new Set<string>();
    const secrets = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { token, id } = await stored(manager);
      const [sessionId, secret, ...rest] = token.split('.');
      expect(rest).toEqual([]);
      expect(sessionId).toBe(id);
      expect(sessionId).toMatch(B64URL);
      expect(secret).toMatch(B64URL);
      expect(Buffer.from(sessionId!, 'base64url')).toHaveLength(16);
      expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
      ids.add(sessionId!);
      secrets.add(secret!);
    }
    expect(ids.size).toBe(200);
    expect(secrets.size).toBe(200);
  });

  it('ID-1: the sessionId is stable across rotation, login, logout and re-authentication; the secret is not', async () => {
    const { manager } = setup();
    let { token, id } = await stored(manager);
    const secrets = new Set([token.split('.')[1]]);
    for (const act of ['rotate', 'login', 'reauth', 'logout'] as const) {
      const session = await manager.load(token);
      if (act === 'rotate') session.rotate();
      if (act === 'login') session.authenticate('u1');
      if (act === 'reauth') session.reauthenticate();
      if (act === 'logout') session.logout();
      token = tokenOf(await session.commit());
      expect(token.split('.')[0]).toBe(id);
      secrets.add(token.split('.')[1]);
    }
    expect(secrets.size).toBe(5);
    id = (await manager.load(token)).id;
    expect(token.startsWith(`${id}.`)).toBe(true);
  });

  it('ID-2: the store holds SHA-256 of the secret and never the secret itself', async () => {
    const { manager, memory, clock } = setup();
    const { token, id } = await loggedIn(manager, 'u1');
    const secret = token.split('.')[1]!;
    const record = (await memory.read(id, clock.now())) as SessionRecord;
    expect(record.secretHash).toBe(sha256(secret));
    const rotating = await manager.load(token);
    rotating.rotate();
    const next = tokenOf(await rotating.commit());
    const after = (await memory.read(id, clock.now())) as SessionRecord;
    expect(after.previousHash).toBe(sha256(secret));
    expect(after.secretHash).toBe(sha256(next.split('.')[1]!));
    const raw = JSON.stringify(await memory.inspection.contents()) + JSON.stringify(after);
    for (const s of [secret, next.split('.')[1]!]) expect(raw).not.toContain(s);
  });

  it('ID-2: a token with the right sessionId and a wrong secret of the right shape is not adopted', async () => {
    const { manager } = setup();
    const { token, id } = await stored(manager, { cart: ['sku'] });
    const secret = token.split('.')[1]!;
    // Differs in the last character only: a comparison that stopped at the first difference would
    // still have to reject it; a prefix match must not be enough.
    const near = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const session = await manager.load(near);
    expect(session.isNew).toBe(true);
    expect(session.id).not.toBe(id);
    expect(session.get('cart')).toBeUndefined();
  });

  it('ID-2: the presented secret is checked with a constant-time comparison of the hashes', async () => {
    const { manager } = setup();
    const { token, id } = await stored(manager);
    const spy = vi.mocked(timingSafeEqual);
    spy.mockClear();
    expect((await manager.load(token)).isNew).toBe(false);
    expect(spy).toHaveBeenCalled();
    const [a, b] = spy.mock.calls[0]!.map((x) => Buffer.from(x as Uint8Array).toString());
    expect(a).toBe(sha256(token.split('.')[1]!));
    expect(b).toBe(a);
    spy.mockClear();
    expect((await manager.load(`${id}.${'C'.repeat(42)}A`)).isNew).toBe(true);
    expect(spy).toHaveBeenCalled();
  });

  it('ID-3: an unknown, destroyed, rotated-away or expired token is never adopted; a new token is made', async () => {
    const { manager, clock } = setup({ idleTimeout: 1000 });
    const unknown = formatToken('A'.repeat(22), `${'B'.repeat(42)}A`);

    const destroyed = await stored(manager);
    const d = await manager.load(destroyed.token);
    d.destroy();
    await d.commit();

    const rotated = await stored(manager);
    const r = await manager.load(rotated.token);
    r.rotate();
    await r.commit();

    const expired = await stored(manager);
    clock.advance(1000);

    for (const [token, id] of [
      [unknown, 'A'.repeat(22)],
      [destroyed.token, destroyed.id],
      [rotated.token, rotated.id],
      [expired.token, expired.id],
    ] as const) {
      const session = await manager.load(token);
      expect(session.isNew).toBe(true);
      expect(session.get('seed')).toBeUndefined();
      session.set('x', 1);
      const next = tokenOf(await session.commit());
      expect(next.split('.')[0]).not.toBe(id);
      expect(next).not.toBe(token);
    }
  });

  it('ID-4: a sessionId collision on create is retried with a fresh id and a fresh secret, and never overwrites', async () => {
    let collided: SessionRecord | null = null;
    const { manager, memory, clock } = setup(
      {},
      {
        around: async (op, args, run) => {
          // Another process created a record with the very id this one drew: plant it first.
          if (op === 'create' && collided === null) {
            collided = { ...(args[0] as SessionRecord), browser: { owner: 'other' } };
            await memory.create(collided, args[1] as number);
          }
          return run();
        },
      },
    );
    const session = await manager.load(undefined);
    session.set('owner', 'me');
    const token = tokenOf(await session.commit());
    const first = collided as SessionRecord | null;
    expect(first).not.toBeNull();
    expect(token.split('.')[0]).not.toBe(first!.sessionId);
    expect(session.id).toBe(token.split('.')[0]);
    // The secret sent with the colliding id is not the one the new session keeps.
    expect(sha256(token.split('.')[1]!)).not.toBe(first!.secretHash);
    const theirs = (await memory.read(first!.sessionId, clock.now())) as SessionRecord;
    expect(theirs.browser).toEqual({ owner: 'other' });
    expect((await manager.load(token)).get('owner')).toBe('me');
  });

  it('ID-5: a rotated-away secret and a destroyed session secret never authenticate again (grace off)', async () => {
    const { manager } = setup();
    const { token } = await loggedIn(manager, 'u1');
    const s = await manager.load(token);
    s.rotate();
    const next = tokenOf(await s.commit());
    const old = await manager.load(token);
    expect(old.isNew).toBe(true);
    expect(old.userId).toBeNull();
    const cur = await manager.load(next);
    expect(cur.userId).toBe('u1');
    cur.destroy();
    await cur.commit();
    expect((await manager.load(next)).userId).toBeNull();
    expect((await manager.load(next)).isNew).toBe(true);
  });
});

describe('hostile tokens', () => {
  const id = 'A'.repeat(22);
  const secret = `${'B'.repeat(42)}A`;
  const hostile: [string, unknown][] = [
    ['empty', ''],
    ['short', `${id}.${secret.slice(1)}`],
    ['long', `${id}.${secret}B`],
    ['wrong alphabet', `${id}.${secret.slice(1)}+`],
    ['padding', `${id.slice(1)}=.${secret}`],
    ['missing dot', `${id}${secret}B`],
    ['two dots', `${id}.${secret.slice(1)}.`],
    ['unicode', `${id}.${secret.slice(2)}é`],
    ['unicode of the right length', `${'é'.repeat(22)}.${secret}`],
    ['astral', `${id}.${secret.slice(2)}😀`],
    ['NUL byte', `${id}.${secret.slice(1)}\u0000`],
    ['spaces', ` ${id}.${secret.slice(1)}`],
    ['huge', 'A'.repeat(1_000_000)],
    ['huge with a dot', `${id}.${'B'.repeat(1_000_000)}`],
    ['only a dot', '.'],
    ['not a string', 42],
    ['an object', { toString: () => `${id}.${secret}` }],
    // The unused low bits of the last character set: the same bytes as a canonical token, another string.
    ['non-canonical id', `${'A'.repeat(21)}B.${secret}`],
    ['non-canonical secret', `${id}.${'B'.repeat(43)}`],
  ];

  it.each(hostile)(
    'ID-3, SEC-5: %s: no store call, a new anonymous session, nothing written',
    async (_name, token) => {
      const { manager, store } = setup();
      const session = await manager.load(token as string);
      expect(store.count()).toBe(0);
      expect(session.isNew).toBe(true);
      expect(session.userId).toBeNull();
      expect(session.status).toBe('anonymous');
      const result = await session.commit();
      expect(store.count()).toBe(0);
      expect(result.wrote).toBe(false);
      // The bad cookie is cleared, never echoed back.
      expect(result.cookie).toEqual(token === '' ? { action: 'none' } : { action: 'clear' });
    },
  );

  it('parseToken accepts exactly the well-formed shape and formatToken is its inverse', () => {
    expect(parseToken(formatToken(id, secret))).toEqual({ sessionId: id, secret });
    for (const [, token] of hostile) expect(parseToken(token)).toBeNull();
    expect(parseToken(undefined)).toBeNull();
    expect(parseToken(null)).toBeNull();
    // Every token the manager makes is canonical.
    for (let i = 0; i < 1_000; i++)
      expect(parseToken(formatToken(newSessionId(), newSecret()))).not.toBeNull();
  });
});
