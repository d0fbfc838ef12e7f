/**
 * Audit event names (SEC-4). Every event carries the `sessionId` (or a fingerprint of it), never a secret.
 */
export const AUDIT_EVENT_TYPES = [
  'created',
  'authenticated',
  'rotated',
  'logged-out',
  'destroyed',
  'expired',
  'revoked',
  'reuse-detected',
  'credential-mismatch',
  'conflict',
  'tampered',
] as const;

/**
 * One of the audit event names (SEC-4); `tampered` is the security event of SEC-3; `credential-mismatch`
 * reports a wrong secret for a live session's id (ID-3), at most once a minute per session.
 */
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
