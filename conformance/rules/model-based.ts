/**
 * CK-3 and ST-5: sequential model-based runs of random command sequences against the reference
 * model, through the core only (CK-3) or checking the store's contents after every step (ST-5).
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { T0 } from '../arbitraries.js';
import { storeCommandArbs } from '../commands/all.js';
import { StoreModel } from '../model.js';
import { type Counterexample, checkProperty, describeCounterexample, namedProperty } from '../property.js';
import type { Rule, RuleContext, RuleOutcome } from '../rule.js';

/**
 * Run random command sequences, each on a fresh namespace; the shrunk failing sequence is the
 * counterexample, one step per line.
 * @internal
 */
function modelRun(ctx: RuleContext, options: { inspect: boolean; locks: boolean }): Promise<RuleOutcome> {
  const replayPath = ctx.replay?.replayPath;
  const commands = fc.commands(storeCommandArbs({ locks: options.locks }), {
    maxCommands: ctx.maxCommands,
    size: ctx.profile === 'deep' ? 'large' : 'medium',
    ...(replayPath === undefined ? {} : { replayPath }),
  });
  let lastFailure: Counterexample | undefined;
  return checkProperty(
    ctx,
    namedProperty(commands, async (cmds) => {
      const opened = await ctx.open();
      const model = new StoreModel(T0);
      try {
        await fc.asyncModelRun(
          () => ({ model, real: { store: opened.store, inspect: options.inspect } }),
          cmds,
        );
      } catch (error) {
        // Shrinking ends on the last failing run: its sequence, as run, is the counterexample.
        lastFailure = describeCounterexample([cmds]);
        throw error;
      } finally {
        for (const [name, lock] of model.locks) await opened.store.locks?.release(name, lock.owner);
        await opened.dispose();
      }
    }),
    () => lastFailure,
  );
}

/** CK-3: random sequences of every operation and clock advances agree with the reference model. @internal */
export const modelRule: Rule = {
  id: 'CK-3',
  title: 'random operation sequences with clock advances agree with the reference model',
  run: (ctx) => modelRun(ctx, { inspect: false, locks: ctx.supports.locks }),
};

/** ST-5: after every step, the store holds exactly the model's records and user index, nothing dangling. @internal */
export const danglingRule: Rule = {
  id: 'ST-5',
  title:
    'no dangling data: after every ending, user move and purge, the store holds exactly what is live or unpurged',
  requires: ['inspection'],
  run: (ctx) => modelRun(ctx, { inspect: true, locks: false }),
};
