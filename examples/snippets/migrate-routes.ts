/**
 * A route migrated while express-session is still installed. Shown in
 * docs/migrating-from-express-session.md (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import express from 'express';
import { sessionOf } from '../../src/http/express/index.js';

const router = express.Router();
router.post('/cart', (req, res) => {
  const session = sessionOf(req); // throws a TypeError if sessionMiddleware did not run
  session.update('cart', (cart) => [...(cart ?? []), String(req.body.item)]);
  res.redirect(303, '/');
});

export { router };
