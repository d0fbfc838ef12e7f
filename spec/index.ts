/**
 * `sessionspec/spec`: the formal lifecycle (the XState machine), the record layout and the store
 * contract. Imports nothing of the rest of sessionspec and does no I/O.
 *
 * @packageDocumentation
 * @module sessionspec/spec
 */
export { AUDIT_EVENT_TYPES, type AuditEventType } from './audit.js';
// The store contract (record layout, store interface, codec): one list, shared with `sessionspec/store`.
export * from './contract.js';
export {
  ALWAYS_EVENT,
  CREATE_EVENT,
  candidatesOf,
  type DeclaredAction,
  type DeclaredState,
  type DeclaredTransition,
  type MachineDefinition,
  readMachine,
  sessionDefinition,
} from './definition.js';
export {
  type AccessEvent,
  type AuditParams,
  type AuthenticateEvent,
  type ChangeCredentialEvent,
  type CreateInput,
  type DestroyEvent,
  EFFECT_TYPES,
  type LiveState,
  type LogoutEvent,
  type MachineAction,
  type Presented,
  type ReauthenticateEvent,
  type RevokeEvent,
  type RotateEvent,
  type SessionContext,
  type SessionEffect,
  type SessionEffectType,
  type SessionEvent,
  type SessionEventType,
  type SessionMachine,
  type SessionState,
  type SetExpiryEvent,
  sessionEffects,
  sessionMachine,
  type TerminalState,
  type TouchEvent,
} from './machine.js';
export { parseRetired, RETIRED_HASH_CHARS, type RetiredSecret, retiredEntry } from './retired.js';
export {
  type CallDecision,
  type CookieLifetime,
  callDecision,
  cookieMaxAge,
  cookieResent,
  credentialAccepted,
  expiresAtOf,
  graceOpen,
  type HashEquals,
  hasEnded,
  idleDeadline,
  presentedSecret,
  REUSE_RACE_MARGIN,
  type Retirement,
  retirementOf,
  reuseMayEnd,
  type SecretFields,
  TERMINAL_STATES,
} from './rules.js';
export { type LifecycleRow, lifecycleTable, lifecycleTableMarkdown } from './table.js';
