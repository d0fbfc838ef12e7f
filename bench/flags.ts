/**
 * The `--name value` flags of the benchmark's small scripts (`profile.ts`, `ab.ts`).
 *
 * @packageDocumentation
 */

/**
 * A reader of `--name value` flags that takes each flag out of `args` as it is read, so what is left
 * are the positional arguments.
 * @param args - the command line after the script's name; changed in place.
 * @returns a function giving a flag's value, or `fallback` when the flag is absent.
 * @throws TypeError when a flag has no value.
 */
export function flagReader(args: string[]): (name: string, fallback: string) => string {
  return (name, fallback) => {
    const at = args.indexOf(`--${name}`);
    if (at < 0) return fallback;
    const value = args[at + 1];
    if (value === undefined) throw new TypeError(`--${name} needs a value`);
    args.splice(at, 2);
    return value;
  };
}
