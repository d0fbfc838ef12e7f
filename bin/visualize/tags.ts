/**
 * The short tags a diagram writes on a transition for what it does to the token, the buckets and the
 * record (`new token`, `user bucket wiped`), read from the machine's action names.
 *
 * @packageDocumentation
 */

/**
 * The tag of each action of the machine, or `null` for an action a diagram leaves to the tables: a
 * context change the event already names, or the audit event. A test fails when the machine has an
 * action this map does not list, so a new effect is never drawn silently.
 */
export const EFFECT_TAGS: Readonly<Record<string, string | null>> = {
  issueToken: 'new token',
  // CC-6: a rotation with a grace window keeps the old secret working for a while.
  rotateSecret: 'old secret in grace',
  rotateSecretNoGrace: null,
  resetUserBucket: 'user bucket wiped',
  deleteRecord: 'record deleted',
  clearCookie: 'cookie cleared',
  revokeOtherSessions: 'other sessions ended',
  enforceUserCap: null,
  acceptPrevious: 'previous secret accepted',
  rejectCredential: 'rejected',
  touch: 'touch written',
  bindUser: null,
  refreshAuthentication: null,
  unbindUser: null,
  applyExpiry: null,
  audit: null,
};

/**
 * The name of an action as the graph lists it (`audit(created)` is the `audit` action).
 * @param action - an action label from `GraphTransition.actions`.
 * @returns the action's name without its parameter.
 */
export function actionName(action: string): string {
  const paren = action.indexOf('(');
  return paren === -1 ? action : action.slice(0, paren);
}

/**
 * The tags of a list of actions, each once, in the order of {@link EFFECT_TAGS}.
 * @param actions - action labels from `GraphTransition.actions`.
 * @returns the tags, such as `['new token', 'user bucket wiped']`.
 */
export function effectTags(actions: readonly string[]): string[] {
  const names = new Set(actions.map(actionName));
  // In the map's order, so `new token` always comes first.
  return Object.entries(EFFECT_TAGS).flatMap(([name, tag]) => (tag !== null && names.has(name) ? [tag] : []));
}
