/**
 * The lifecycle rules (CK-4): event sequences generated from the machine, run through the reference
 * session manager over the adapter under test. This group is the extension point for them: a rule
 * here receives the same {@link RuleContext} (fresh namespaces, seed, profile, replay) as the store
 * rules and is reported the same way.
 *
 * @packageDocumentation
 */
import type { Rule } from '../rule.js';

/** The CK-4 rules; empty until the reference manager they drive exists. @internal */
export const lifecycleRules: readonly Rule[] = [];
