/**
 * The Redis clients the tests run and the peer ranges users install against cannot drift apart: each
 * client the Redis tests connect with (`CLIENT_KINDS`) is installed here at its major, inside the
 * peer range of its package, and every major a range accepts is one the tests run. A range that left
 * out a client people hold (node-redis 4 beside connect-redis 7) fails `npm install` with ERESOLVE for
 * them, though that peer is optional. Reads only this checkout: no registry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENT_KINDS, CLIENT_PACKAGES } from './redis-clients.js';

const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

/** A version as three numbers. */
function parts(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) throw new Error(`not a version: ${version}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** The alternatives of a range made of `^x.y.z` joined by `||`, each as its base version. */
function carets(range: string): [number, number, number][] {
  return range.split('||').map((alternative) => {
    const match = /^\s*\^(\d+\.\d+\.\d+)\s*$/.exec(alternative);
    if (match === null) throw new Error(`'${range}': only ^x.y.z alternatives are read here`);
    return parts(match[1]!);
  });
}

/** Whether `version` satisfies `range` (npm's rule for caret ranges of a major above 0). */
function satisfies(version: string, range: string): boolean {
  const [major, minor, patch] = parts(version);
  return carets(range).some(([m, n, p]) => major === m && (minor > n || (minor === n && patch >= p)));
}

/** The version of a package installed in this checkout. */
function installedVersion(name: string): string {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

describe('Redis client peer ranges', () => {
  it.each(CLIENT_KINDS)('%s: the installed client is that major, inside the peer range', (kind) => {
    const { installed, peer } = CLIENT_PACKAGES[kind];
    const version = installedVersion(installed);
    expect(parts(version)[0]).toBe(Number(kind.split(' ')[1]));
    expect(satisfies(version, manifest.peerDependencies[peer]!), `${installed}@${version}`).toBe(true);
  });

  it.each(['ioredis', 'redis'])(
    '%s: every major the range accepts is one the tests run; the peer is optional',
    (peer) => {
      const tested = CLIENT_KINDS.filter((kind) => CLIENT_PACKAGES[kind].peer === peer).map((kind) =>
        Number(kind.split(' ')[1]),
      );
      const accepted = carets(manifest.peerDependencies[peer]!).map(([major]) => major);
      expect(accepted.sort()).toEqual([...tested].sort());
      expect(manifest.peerDependenciesMeta[peer]).toEqual({ optional: true });
    },
  );

  it('accepts node-redis 4, 5 and 6 and ioredis 5 and 6', () => {
    expect(satisfies('4.6.0', manifest.peerDependencies.redis!)).toBe(true);
    expect(['4.7.1', '5.0.0', '6.0.0'].every((v) => satisfies(v, manifest.peerDependencies.redis!))).toBe(
      true,
    );
    expect(['5.4.0', '6.0.0'].every((v) => satisfies(v, manifest.peerDependencies.ioredis!))).toBe(true);
  });
});
