/**
 * The names of the lifecycle's states (LC-1), apart from the machine, so the record layout and the store
 * contract can be read (and their declarations checked) without the machine's, and xstate's, types.
 *
 * @packageDocumentation
 */

/** The live states of a session (LC-1). */
export type LiveState = 'anonymous' | 'authenticated';
/** The terminal states of a session (LC-1): no transition leaves them. */
export type TerminalState = 'expired' | 'destroyed';
/** Every state of the lifecycle machine (LC-1). */
export type SessionState = LiveState | TerminalState;
