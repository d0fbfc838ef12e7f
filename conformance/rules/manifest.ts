/**
 * ST-4: the capability manifest is well formed and tells the truth.
 *
 * @packageDocumentation
 */
import { STORE_CONTRACT } from '../../src/index.js';
import { show } from '../json.js';
import { errorMessage } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

/** ST-4: `supports` has its three keys; `locks` / `inspection` are present if and only if declared. @internal */
export const manifestRule: Rule = {
  id: 'ST-4',
  title: 'the capability manifest is well formed and matches the optional interfaces present',
  async run(ctx) {
    try {
      await withStore(ctx, async (store) => {
        const supports = store.supports as unknown;
        expect(
          typeof supports === 'object' && supports !== null,
          `ST-4: store.supports is ${show(supports)}, expected an object`,
        );
        const { contract, locks, inspection, userIndex } = supports as Record<string, unknown>;
        expect(
          contract === STORE_CONTRACT,
          contract === undefined || contract === 1
            ? `ST-4: this is a store-contract-1 store (supports.contract is ${show(contract)}); the kit checks contract ${STORE_CONTRACT}: writes are conditioned on the write id of the stored record, not its version (CC-1; see the CHANGELOG's migration notes)`
            : `ST-4: supports.contract is ${show(contract)}, expected ${STORE_CONTRACT}`,
        );
        expect(typeof locks === 'boolean', `ST-4: supports.locks is ${show(locks)}, expected a boolean`);
        expect(
          typeof inspection === 'boolean',
          `ST-4: supports.inspection is ${show(inspection)}, expected a boolean`,
        );
        expect(
          userIndex === 'exact' || userIndex === 'superset',
          `ST-4: supports.userIndex is ${show(userIndex)}, expected 'exact' or 'superset'`,
        );
        const hasLocks =
          typeof store.locks?.acquire === 'function' && typeof store.locks.release === 'function';
        const hasInspection = typeof store.inspection?.contents === 'function';
        expect(
          locks === hasLocks,
          `ST-4: supports.locks is ${locks} but store.locks is ${hasLocks ? 'present' : 'missing'}`,
        );
        expect(
          inspection === hasInspection,
          `ST-4: supports.inspection is ${inspection} but store.inspection is ${hasInspection ? 'present' : 'missing'}`,
        );
        expect(
          !ctx.supports.locks || hasLocks,
          'ST-4: the supports override declares locks the store does not have',
        );
        expect(
          !ctx.supports.inspection || hasInspection,
          'ST-4: the supports override declares inspection the store does not have',
        );
      });
      return { status: 'pass', runs: 1 };
    } catch (error) {
      return { status: 'fail', runs: 1, message: errorMessage(error) };
    }
  },
};
