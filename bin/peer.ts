/**
 * Optional packages the CLI loads only for the command that needs them: the conformance kit's engine
 * (`fast-check`) and the diagram renderer (`@viz-js/viz`) are peers an application never pays for.
 *
 * @packageDocumentation
 */

/** An optional package a command needs is not installed; the message says what to install. */
export class MissingPeerError extends Error {}

/**
 * Loads a module that needs an optional package, turning its absence into a one-line
 * {@link MissingPeerError} instead of a resolution stack trace.
 * @param peer - the package's name, as `npm install` takes it.
 * @param purpose - what needs it, completing "<peer> is needed by …" (e.g. `'the conformance kit'`).
 * @param load - imports the module (a literal `import()`, so its type is kept).
 * @returns the loaded module.
 * @throws MissingPeerError when `peer` cannot be found; any other error as thrown.
 */
export async function importPeer<T>(peer: string, purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === 'ERR_MODULE_NOT_FOUND' && String(message).includes(`'${peer}'`)) {
      throw new MissingPeerError(
        `${peer} is needed by ${purpose} and is not installed: npm install --save-dev ${peer}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
