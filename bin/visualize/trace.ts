/**
 * A lifecycle failure the conformance kit reported (CK-4, CK-9), read back from its JSON report so the
 * HTML page's simulator can step through it (`sessionspec visualize --format html --trace report.json`).
 *
 * @packageDocumentation
 */

import { initialTransition, transition } from 'xstate';
import {
  CREATED_AT,
  GRACE,
  type LifecycleStep,
  machineEvent,
  POLICY,
  parseStep,
  type RunConfig,
  USERS,
} from '../../conformance/lifecycle/steps.js';
import type { SessionEvent } from '../../spec/machine.js';
import { sessionMachine } from '../../spec/machine.js';
import type { SimConfig } from './simulator.js';

/** A reported lifecycle failure, ready to step through. */
export interface SimTrace {
  /** The rule that failed: `CK-4.paths` or `CK-4.walks`. */
  rule: string;
  /** What the kit said went wrong. */
  message: string;
  /** The run's settings (the rotation grace window, CC-6). */
  run: RunConfig;
  /** The steps of the counterexample, after the session's creation. */
  steps: LifecycleStep[];
  /** The lines of the counterexample as the report has them. */
  lines: string[];
  /** The step of each line that is one (the creation is not), the label of each event. */
  labels: string[];
  /**
   * The machine event of each step, as the kit's oracle sent it (`machineEvent`, which reads the
   * context before the step), computed here so the page needs none of the kit's code.
   */
  events: SessionEvent[];
  /** What the simulator runs the trace under: the kit's policy, users and creation instant. */
  config: SimConfig;
}

/** @internal The simulator's settings for a reported trace: the kit's policy, users and creation instant. */
function traceConfig(run: RunConfig): SimConfig {
  return {
    t0: CREATED_AT,
    policy: {
      idleTimeout: POLICY.idleTimeout,
      absoluteTimeout: POLICY.absoluteTimeout,
      freshFor: POLICY.freshFor,
      touchAfter: Math.floor(POLICY.idleTimeout * POLICY.touchEvery),
      graceMs: run.rotationGrace,
      persistent: false,
    },
    users: USERS,
    unit: 50,
  };
}

/** @internal A report's rule result, as far as this file reads it. */
interface ReportedRule {
  id?: unknown;
  status?: unknown;
  message?: unknown;
  counterexample?: unknown;
}

/**
 * Reads the first lifecycle failure (CK-4) of a conformance report (`sessionspec conformance --json`).
 * @param report - the parsed JSON.
 * @returns the trace.
 * @throws TypeError when it is not a report, has no failed CK-4 rule, or its counterexample has a line
 *   that is not a lifecycle step; the message says which.
 */
export function traceFromReport(report: unknown): SimTrace {
  const rules = (report as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) {
    throw new TypeError(
      'not a conformance report: no "rules" array (write one with `sessionspec conformance --json <file>`)',
    );
  }
  const failed = (rules as ReportedRule[]).filter((r) => r.status === 'fail');
  const rule = failed.find(
    (r) => typeof r.id === 'string' && r.id.startsWith('CK-4') && Array.isArray(r.counterexample),
  );
  if (rule === undefined) {
    const ids = failed.map((r) => String(r.id)).join(', ') || 'none';
    throw new TypeError(
      `the report has no failed lifecycle rule (CK-4) to step through; failed rules: ${ids}`,
    );
  }
  const lines = (rule.counterexample as unknown[]).map(String);
  // CK-4.paths runs with the grace window on; a walk reports its setting first.
  let run: RunConfig = { rotationGrace: GRACE };
  const steps: LifecycleStep[] = [];
  const labels: string[] = [];
  for (const line of lines) {
    const grace = /^rotationGrace=(\d+)$/.exec(line);
    if (grace !== null) run = { rotationGrace: Number(grace[1]) };
    else if (!/^T\+0 create\b/.test(line)) {
      steps.push(parseStep(line));
      labels.push(line);
    }
  }
  const config = traceConfig(run);
  let [snapshot] = initialTransition(sessionMachine, {
    now: config.t0,
    secretHash: 'created',
    idleTimeout: config.policy.idleTimeout,
    absoluteTimeout: config.policy.absoluteTimeout,
    persistent: config.policy.persistent,
  });
  const events = steps.map((step) => {
    const event = machineEvent(step, snapshot.context, run);
    [snapshot] = transition(sessionMachine, snapshot, event);
    return event;
  });
  return {
    rule: String(rule.id),
    message: String(rule.message ?? ''),
    run,
    steps,
    lines,
    labels,
    events,
    config,
  };
}
