/**
 * Audit events (SEC-4): what happened to which session. They carry the `sessionId`, never a secret or a
 * secret's hash (ID-2).
 *
 * @packageDocumentation
 */
import type { AuditEventType } from '../spec/index.js';

/** One audit event. */
export interface SessionAuditEvent {
  type: AuditEventType;
  /** The session concerned (its stable id, not a credential). */
  sessionId: string;
  /** The bound user at the time, if any. */
  userId: string | null;
  /** When it happened (the manager's clock). */
  at: number;
  /**
   * Why, for `revoked` (`'user'`, `'credential-change'`, `'user-cap'`), `conflict`, `tampered`, and
   * `reuse-detected`: what separates the presented secret from the current one (CC-6): `'rotation'`
   * (plain rotations alone: possible theft), `'authentication'`, `'credential-change'` or `'logout'`.
   */
  reason?: string;
}

/** Receives audit events. Exceptions it throws are ignored: auditing never breaks a request. */
export type AuditListener = (event: SessionAuditEvent) => void;
