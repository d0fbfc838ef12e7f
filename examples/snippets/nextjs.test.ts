/**
 * The guide's Next.js route handlers, called as Next.js calls them: a `Request` and the route context
 * whose `params` is a promise. The cookie the first response sets carries the cart to the next request.
 */
import { expect, it } from 'vitest';
import { GET, POST } from './nextjs.js';

const context = (item: string) => ({ params: Promise.resolve({ item }) });

it('Next.js route handlers keep the cart in the session across requests (cookie in, Set-Cookie out)', async () => {
  const first = await POST(
    new Request('https://shop.example/cart/apple', { method: 'POST' }),
    context('apple'),
  );
  expect(first.status).toBe(200);
  const [setCookie] = first.headers.getSetCookie();
  expect(setCookie).toMatch(/^__Host-sid=[\w-]+\.[\w-]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  const cookie = setCookie!.split(';', 1)[0]!;
  const second = await POST(
    new Request('https://shop.example/cart/pear', { method: 'POST', headers: { cookie } }),
    context('pear'),
  );
  expect(await second.json()).toEqual({ cart: ['apple', 'pear'] });
  const read = await GET(new Request('https://shop.example/cart', { headers: { cookie } }));
  expect(await read.json()).toEqual({ user: null, cart: ['apple', 'pear'] });
  // SEC-7: a cross-site POST is refused before the handler runs.
  const forged = await POST(
    new Request('https://shop.example/cart/evil', {
      method: 'POST',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    }),
    context('evil'),
  );
  expect(forged.status).toBe(403);
  expect(await (await GET(new Request('https://shop.example/cart', { headers: { cookie } }))).json()).toEqual(
    {
      user: null,
      cart: ['apple', 'pear'],
    },
  );
});
