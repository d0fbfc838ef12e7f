/**
 * ST-1: the core is the seven promise-returning operations plus `close`, and expected outcomes are
 * values, never exceptions.
 *
 * @packageDocumentation
 */
import { buildRecord, T0 } from '../arbitraries.js';
import { show } from '../json.js';
import { errorMessage } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

const CORE = [
  'create',
  'read',
  'write',
  'destroy',
  'listByUser',
  'destroyByUser',
  'purgeExpired',
  'close',
] as const;
const OPTIONAL = ['supports', 'locks', 'inspection'];

/** ST-1: the methods exist, return promises, and answer values for absent sessions. @internal */
export const coreRule: Rule = {
  id: 'ST-1',
  title: 'the core has the 7 operations plus close, promise-returning; expected outcomes are values',
  async run(ctx) {
    try {
      await withStore(ctx, async (store) => {
        for (const method of CORE) {
          expect(
            typeof store[method] === 'function',
            `ST-1: store.${method} is ${typeof store[method]}, expected a function`,
          );
        }
        const extra = Object.keys(store).filter(
          (key) =>
            !(CORE as readonly string[]).includes(key) &&
            !OPTIONAL.includes(key) &&
            typeof (store as unknown as Record<string, unknown>)[key] === 'function',
        );
        expect(extra.length === 0, `ST-1: the store has methods outside the contract: ${extra.join(', ')}`);
        const absent = buildRecord(
          {
            sessionId: 'sid-absent',
            userId: 'user-absent',
            expiresIn: 10,
            browser: {},
            user: {},
            labels: {},
          },
          T0,
          2,
        );
        await answers('read of an absent id', () => store.read('sid-absent', T0), null);
        await answers('write of an absent id', () => store.write(absent, 'w-absent', T0), 'gone');
        await answers('destroy of an absent id', () => store.destroy('sid-absent'), false);
        await answers('listByUser of an unknown user', () => store.listByUser('user-absent', T0), {
          records: [],
          cursor: null,
        });
        await answers('destroyByUser of an unknown user', () => store.destroyByUser('user-absent', []), {
          deleted: [],
          cursor: null,
        });
        await answers('purgeExpired of an empty store', () => store.purgeExpired(T0), 0);
      });
      return { status: 'pass', runs: 1 };
    } catch (error) {
      return { status: 'fail', runs: 1, message: errorMessage(error) };
    }
  },
};

/** The call returns a promise (not a thrown error) that resolves to `expected`. */
async function answers(label: string, call: () => unknown, expected: unknown): Promise<void> {
  let returned: unknown;
  try {
    returned = call();
  } catch (error) {
    expect(false, `ST-1: ${label} threw synchronously (${String(error)}); expected outcomes are values`);
  }
  expect(
    returned instanceof Promise || typeof (returned as { then?: unknown })?.then === 'function',
    `ST-1: ${label} did not return a promise`,
  );
  let value: unknown;
  try {
    value = await returned;
  } catch (error) {
    expect(false, `ST-1: ${label} rejected (${String(error)}); expected ${show(expected)}`);
  }
  expect(
    show(value) === show(expected),
    `ST-1: ${label} answered ${show(value)}, expected ${show(expected)}`,
  );
}
