import { expect, test } from 'vitest';
import { createMemoryStore } from '../adapters/memory/index.js';
import { createManualClock, createSessionManager } from './index.js';

test('smoke', async () => {
  const clock = createManualClock(1_000_000);
  const events: string[] = [];
  const m = createSessionManager({
    store: createMemoryStore({ clock: clock.now }),
    clock,
    onEvent: (e) => events.push(e.type),
  });
  const s = await m.load(undefined);
  expect((await s.commit()).cookie).toEqual({ action: 'none' });
  s.set('cart', [1]);
  const r = await s.commit();
  expect(r.cookie.action).toBe('set');
  const token = (r.cookie as { token: string }).token;
  const s2 = await m.load(token);
  expect(s2.get('cart')).toEqual([1]);
  s2.authenticate('u1');
  s2.user.set('p', 1);
  const r2 = await s2.commit();
  const token2 = (r2.cookie as { token: string }).token;
  expect(token2).not.toBe(token);
  expect((await m.load(token)).isNew).toBe(true);
  const s3 = await m.load(token2);
  expect(s3.userId).toBe('u1');
  expect(s3.user.get('p')).toBe(1);
  s3.logout();
  const r3 = await s3.commit();
  const s4 = await m.load((r3.cookie as { token: string }).token);
  expect(s4.userId).toBe(null);
  expect(s4.get('cart')).toEqual([1]);
  const many = await Promise.all(
    Array.from({ length: 50 }, () => m.load((r3.cookie as { token: string }).token)),
  );
  for (const h of many) h.update('n', (v) => ((v as number) ?? 0) + 1);
  await Promise.all(many.map((h) => h.commit()));
  expect((await m.load((r3.cookie as { token: string }).token)).get('n')).toBe(50);
  s4.destroy();
  expect((await s4.commit()).cookie).toEqual({ action: 'clear' });
  console.log(events);
});
