/**
 * Typed session data, declared once (shown in docs/getting-started.md and the migration guide; a test
 * keeps them identical). The other snippets rely on it: `cart` is a `string[]` without casts.
 *
 * @packageDocumentation
 */
declare module '../../src/index.js' {
  interface SessionData {
    cart: string[];
    visits: number;
  }
  interface UserData {
    theme: 'light' | 'dark';
  }
}

export {};
