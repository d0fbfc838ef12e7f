/** Readable renderings of command arguments for counterexamples (CK-3). @packageDocumentation */
import type { RecordSpec } from '../arbitraries.js';
import { show } from '../json.js';

/**
 * One line for a record spec: id, user, expiry relative to the step's time, payload when short.
 * @param spec - the generated record.
 * @returns e.g. `sid-A user=user-1 expiresIn=3 browser={} user={}`.
 * @internal
 */
export function describeSpec(spec: RecordSpec): string {
  return (
    `${spec.sessionId} user=${spec.userId ?? '∅'} expiresIn=${spec.expiresIn}` +
    ` browser=${show(spec.browser, 60)} userBucket=${show(spec.user, 60)}` +
    (Object.keys(spec.labels).length === 0 ? '' : ` labels=${show(spec.labels, 60)}`)
  );
}
