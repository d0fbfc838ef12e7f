/**
 * The session handle of each Express request, whatever view `req.session` shows (guarded, or the
 * express-session compatibility surface).
 *
 * @packageDocumentation
 */
import type { Request } from 'express';
import type { Session } from '../../session.js';

const handles = new WeakMap<Request, Session>();

/** @internal Remember the handle of a request. */
export function keepHandle(req: Request, session: Session): void {
  handles.set(req, session);
}

/** @internal The handle of a request, or `undefined` when the middleware did not load one. */
export function handleOf(req: Request): Session | undefined {
  return handles.get(req);
}
