/**
 * The rule registry: every group the runner runs, in report order.
 *
 * @packageDocumentation
 */
import type { RuleGroup } from '../rule.js';
import { casRule } from './cas.js';
import { closeRule } from './close.js';
import { concurrencyRules } from './concurrency.js';
import { coreRule } from './core.js';
import { corruptRule } from './corrupt.js';
import { createRule } from './create.js';
import { expiryRule } from './expiry.js';
import { failoverRule } from './failover.js';
import { formatRule } from './format.js';
import { goneRule } from './gone.js';
import { isolationRule, teardownRule } from './isolation.js';
import { lifecycleRules } from './lifecycle.js';
import { locksRule } from './locks.js';
import { manifestRule } from './manifest.js';
import { danglingRule, modelRule } from './model-based.js';
import { pagesRule } from './pages.js';
import { payloadRule } from './payload.js';
import { semanticsRules } from './semantics.js';

/**
 * The groups of rules: `store` (the store contract, ST/ID/CC and CK-3, CK-8) and `lifecycle` (CK-4,
 * through the reference manager).
 * @internal
 */
export const RULE_GROUPS: readonly RuleGroup[] = [
  {
    name: 'store',
    rules: [
      coreRule,
      manifestRule,
      ...semanticsRules,
      pagesRule,
      expiryRule,
      danglingRule,
      payloadRule,
      formatRule,
      createRule,
      casRule,
      failoverRule,
      goneRule,
      corruptRule,
      locksRule,
      modelRule,
      isolationRule,
      teardownRule,
      closeRule,
    ],
  },
  { name: 'lifecycle', rules: lifecycleRules },
  { name: 'concurrency', rules: concurrencyRules },
];
