/**
 * What the model-based commands share (CK-3): the system under test and the step epilogue.
 *
 * @packageDocumentation
 */
import type fc from 'fast-check';
import type { SessionStore } from '../../src/index.js';
import { checkContents } from '../contents.js';
import type { StoreModel } from '../model.js';

/** The real system of a model-based run: the store and whether to check its contents (ST-5). @internal */
export interface RealStore {
  store: SessionStore;
  /** Check `inspection.contents()` against the model after every step (ST-5). */
  inspect: boolean;
}

/** A model-based command over a store (CK-3). @internal */
export type StoreCommand = fc.AsyncCommand<StoreModel, RealStore>;

/**
 * After a step: when the run checks contents, the store must hold exactly what the model holds (ST-5).
 * @param model - the model after the step.
 * @param real - the system under test.
 * @param step - the step, for the failure message.
 * @internal
 */
export async function afterStep(model: StoreModel, real: RealStore, step: string): Promise<void> {
  if (real.inspect) await checkContents(model, real.store, step);
}
