/**
 * Typed session data: an application declares `SessionData` and `UserData` once (declaration merging on
 * the package entry) and `get`, `set` and `update` are typed by key; undeclared keys stay `JsonValue`.
 * The checks are the type checker's (`npm run typecheck`); the runtime part shows the values are unchanged.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createMemoryStore } from '../adapters/memory/index.js';
import type { JsonValue } from '../spec/index.js';
import { createManualClock } from './clock.js';
import { createSessionManager, type Session } from './index.js';

declare module './index.js' {
  interface SessionData {
    typedCart: string[];
    typedVisits: number;
  }
  interface UserData {
    typedTheme: 'light' | 'dark';
  }
}

describe('typed session data (declaration merging)', () => {
  it('get, set and update are typed by declared key; other keys stay JsonValue', async () => {
    const manager = createSessionManager({
      store: createMemoryStore({ sweepEvery: false }),
      clock: createManualClock(1_700_000_000_000),
    });
    const session: Session = await manager.load(undefined);
    expectTypeOf(session.get('typedCart')).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(session.browser.get('typedVisits')).toEqualTypeOf<number | undefined>();
    expectTypeOf(session.get('anything')).toEqualTypeOf<JsonValue | undefined>();
    expectTypeOf(session.user.get('typedTheme')).toEqualTypeOf<'light' | 'dark' | undefined>();
    expectTypeOf(session.set<'typedCart'>)
      .parameter(1)
      .toEqualTypeOf<string[]>();
    expectTypeOf(session.update<'typedVisits'>)
      .parameter(1)
      .toEqualTypeOf<(current: number | undefined) => number>();

    session.set('typedCart', ['apple']);
    session.update('typedVisits', (n) => (n ?? 0) + 1);
    session.set('anything', { free: ['form'] });
    // Never run: only the type checker reads these.
    const misuse = () => {
      // @ts-expect-error a declared key takes its declared type only
      session.set('typedCart', 'apple');
      // @ts-expect-error the updater must return the declared type
      session.update('typedVisits', (n) => `${n}`);
      // @ts-expect-error a declared user key takes its declared type only
      session.user.set('typedTheme', 'blue');
    };
    expectTypeOf(misuse).toBeFunction();

    expect(session.get('typedCart')).toEqual(['apple']);
    expect(session.get('typedVisits')).toBe(1);
  });
});
