/**
 * The example shop: log in and out with Passport (passport-local), a cart in the browser bucket (it
 * survives logout), a profile in the user bucket (it does not), and a page listing the user's sessions
 * with "log out this one / all others". Plain server-rendered HTML, no client script.
 *
 * @packageDocumentation
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { passportSessions, sessionMiddleware } from '../../src/http/express/index.js';
import type { SessionManager } from '../../src/index.js';

declare global {
  namespace Express {
    /** The user Passport puts on `req.user` (from `deserializeUser`). */
    interface User {
      username: string;
    }
  }
}

/** Demo accounts (a real app checks a password hash in its database). */
const ACCOUNTS = new Map([
  ['alice', 'alice-password'],
  ['bob', 'bob-password'],
]);

/** @internal Constant-time comparison of a password with a demo account's. */
function passwordMatches(username: string, password: string): boolean {
  const expected = ACCOUNTS.get(username);
  if (expected === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(password), digest(expected));
}

/** @internal A Passport instance with the local strategy over the demo accounts. */
function createPassport(): InstanceType<typeof Passport> {
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username, password, done) =>
      done(null, passwordMatches(username, password) ? { username } : false),
    ),
  );
  // The session is bound to this string (req.session.userId).
  passport.serializeUser((user, done) => done(null, user.username));
  passport.deserializeUser((id: string, done) => done(null, ACCOUNTS.has(id) ? { username: id } : false));
  return passport;
}

/** Options of {@link createApp}. */
export interface AppOptions {
  manager: SessionManager;
  /** Plain-HTTP local development: the cookie is `sid`, without Secure. */
  insecureDevelopmentCookie?: boolean;
}

const ITEMS = ['apple', 'pear', 'plum'];

/**
 * Build the example app.
 * @param options - the session manager and the cookie mode.
 * @returns the Express app (not listening).
 */
export function createApp(options: AppOptions): express.Express {
  const { manager } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));
  app.use(
    sessionMiddleware({
      manager,
      insecureDevelopmentCookie: options.insecureDevelopmentCookie ?? false,
      // SEC-7 (on by default): forms of this site post with Sec-Fetch-Site: same-origin; other sites get 403.
    }),
  );
  // Passport 0.7: req.login / req.logout authenticate and log out the sessionspec session (they must be
  // installed before passport.initialize(), which keeps them); passport.session() reads its user.
  const passport = createPassport();
  app.use(passportSessions(passport));
  app.use(passport.initialize());
  app.use(passport.session());

  app.get('/', (req, res) => {
    const s = req.session;
    const cart = (s.get('cart') as string[] | undefined) ?? [];
    const profile = s.isAuthenticated ? (s.user.get('profile') as { name: string } | undefined) : undefined;
    const failed = req.query.failed === '1' ? '<p id="failed">Wrong username or password.</p>' : '';
    const account = req.user
      ? `<p id="who">Signed in as <b>${esc(req.user.username)}</b></p>
        <section><h2>Profile</h2>
          <p id="profile">${profile ? `Display name: ${esc(profile.name)}` : 'No profile yet.'}</p>
          <form method="post" action="/profile"><input name="name" aria-label="Display name" required>
            <button>Save profile</button></form></section>
        <p><a href="/sessions">Your sessions</a></p>
        <form method="post" action="/logout"><button>Log out</button></form>`
      : `<p id="who">Not signed in</p>${failed}
        <form method="post" action="/login">
          <input name="username" aria-label="Username" placeholder="username" required>
          <input name="password" type="password" aria-label="Password" placeholder="password" required>
          <input name="device" aria-label="Device name" placeholder="device name">
          <button>Log in</button></form>`;
    const items = ITEMS.map((i) => `<button name="item" value="${i}">Add ${i}</button>`).join(' ');
    res.send(
      page(
        'Shop',
        `${account}
        <section><h2>Cart</h2>
          <ul id="cart">${cart.map((i) => `<li>${esc(i)}</li>`).join('') || '<li>empty</li>'}</ul>
          <form method="post" action="/cart">${items}</form></section>`,
      ),
    );
  });

  app.post(
    '/login',
    // LC-2 (through req.login): the token rotates, the cart stays, the user bucket starts empty.
    passport.authenticate('local', { failureRedirect: '/?failed=1' }),
    (req, res) => {
      req.session.setLabel('device', String(req.body?.device ?? '').trim() || 'browser');
      res.redirect(303, '/');
    },
  );

  app.post('/logout', (req, res, next) => {
    // LC-5 (through req.logout): the profile goes, the cart stays.
    req.logout((error) => (error ? next(error) : res.redirect(303, '/')));
  });

  app.post('/cart', (req, res) => {
    const item = String(req.body?.item ?? '');
    if (!ITEMS.includes(item)) return void res.status(400).send(page('Cart', '<p>Unknown item.</p>'));
    req.session.update('cart', (cart) => [...((cart as string[] | undefined) ?? []), item]);
    res.redirect(303, '/');
  });

  app.post('/profile', (req, res) => {
    if (!req.session.isAuthenticated) return void res.redirect(303, '/');
    req.session.user.set('profile', { name: String(req.body?.name ?? '').slice(0, 100) });
    res.redirect(303, '/');
  });

  app.get('/sessions', async (req, res) => {
    const s = req.session;
    if (!s.isAuthenticated) return void res.redirect(303, '/');
    const list = await s.listSessions();
    const rows = list
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((x) => {
        const current = x.sessionId === s.id;
        const action = current
          ? '<em>this browser</em>'
          : `<form method="post" action="/sessions/${x.sessionId}/end"><button>Log out this one</button></form>`;
        return `<tr data-device="${esc(x.labels.device ?? '')}"><td>${esc(x.labels.device ?? '?')}</td>
          <td>${new Date(x.lastSeenAt).toISOString()}</td><td>${action}</td></tr>`;
      })
      .join('');
    res.send(
      page(
        'Your sessions',
        `<p id="who">Signed in as <b>${esc(s.userId!)}</b></p>
        <table id="sessions"><tr><th>Device</th><th>Last seen</th><th></th></tr>${rows}</table>
        <form method="post" action="/sessions/end-others"><button>Log out all other sessions</button></form>
        <p><a href="/">Back to the shop</a></p>`,
      ),
    );
  });

  app.post('/sessions/end-others', async (req, res) => {
    if (req.session.isAuthenticated) await req.session.revokeOthers();
    res.redirect(303, '/sessions');
  });

  app.post('/sessions/:id/end', async (req, res) => {
    // LC-9: only a session of the same user can be ended (revokeSession checks the owner).
    if (req.session.isAuthenticated) await req.session.revokeSession(String(req.params.id));
    res.redirect(303, '/sessions');
  });

  return app;
}

/** @internal */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ccc;text-align:left}
form{display:inline-block;margin:.2rem 0}</style></head>
<body><h1>${esc(title)}</h1>${body}</body></html>`;
}

/** @internal HTML escaping for text and attribute values. */
function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
