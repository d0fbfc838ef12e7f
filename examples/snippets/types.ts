/**
 * Typed session data, declared once (shown in docs/getting-started.md and the migration guide; a test
 * keeps them identical). The other snippets rely on it: `cart` is a `string[]` without casts.
 *
 * @packageDocumentation
 */
// In a .d.ts file of its own, this line keeps the file a module: the block then extends sessionspec's
// types (without an import or export it would declare a new 'sessionspec' in place of the package's).
export {};

declare module '../../src/index.js' {
  interface SessionData {
    cart: string[];
    visits: number;
  }
  interface UserData {
    theme: 'light' | 'dark';
  }
}
