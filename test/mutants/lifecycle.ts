/**
 * Mutants of the lifecycle rules (CK-4, CK-11): stores that pass a casual look but break what a user
 * of the reference manager notices. Test-only.
 *
 * @packageDocumentation
 */
import type { SessionRecord, WriteResult } from '../../src/index.js';
import { BaseStore } from './base-store.js';
import type { Mutant } from './catalog.js';

/** Every lifecycle mutant, with the CK-4 rule id that must reject it. @internal */
export const LIFECYCLE_MUTANTS: readonly Mutant[] = [
  {
    // Like an UPDATE that forgets the secret column: after a rotation the old secret stays the valid
    // one and the token just issued is refused (LC-4, ID-5).
    name: 'write keeps the stored secretHash (a rotation keeps the old secret valid)',
    breaks: 'CK-4.paths',
    factory: () => {
      const store = new (class extends BaseStore {
        override async write(record: SessionRecord, expected: string, now: number): Promise<WriteResult> {
          const stored = this.decode(record.sessionId);
          const kept = stored === undefined ? record : { ...record, secretHash: stored.secretHash };
          return super.write(kept, expected, now);
        }
      })();
      return { store, close: () => store.close() };
    },
  },
];
