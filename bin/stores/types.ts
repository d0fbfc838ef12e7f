/**
 * What `sessionspec conformance --store <name>` runs: a built-in store, opened from the command's
 * options (`--url`, ...), and the adapter it gives the kit.
 *
 * @packageDocumentation
 */
import type { ConformanceOptions } from '../../conformance/types.js';

/** What the command runs: the adapter's name, its factory and manifest override, and what ends it. */
export type Adapter = Pick<ConformanceOptions, 'name' | 'factory' | 'supports'> & {
  teardown?: () => unknown;
};

/** The values of the store options given on the command line (`--url`, ...). */
export type StoreArgs = Partial<Record<StoreOption, string>>;

/** The options a built-in store may read besides `--store`. */
export type StoreOption = 'url' | 'file';

/** A built-in store of the command. */
export interface BuiltInStore {
  /** The lines of `--help` that describe it, each at most 60 characters. */
  readonly help: readonly string[];
  /** The options it reads (each required); any other store option is a usage error. */
  readonly options: readonly StoreOption[];
  /** The options it reads when given (`--file`). */
  readonly optional?: readonly StoreOption[];
  /**
   * Check its options and open it (connect, load the client installed).
   * @throws UsageError when an option is malformed; MissingPeerError when no client is installed;
   *   StoreUnreachableError when the server cannot be reached.
   */
  open(args: StoreArgs): Promise<Adapter>;
}

/**
 * A built-in store's server cannot be reached: the command prints this one line, without its usage
 * (the arguments were right), and exits with code 2.
 */
export class StoreUnreachableError extends Error {}
