/**
 * Test helper: the package as `npm pack` makes it, built from a copy of the repository in a temporary
 * directory, so a test never touches this checkout's `dist/` and cannot pass on a stale build.
 *
 * @packageDocumentation
 */

import { execFileSync } from 'node:child_process';
import { cpSync, symlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Top-level entries of the checkout that never belong in a copy to build from. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'test-output', 'coverage']);

/**
 * Copy `root` to `work/stage`, build it and pack it into `work`.
 * @param root - the repository.
 * @param work - a fresh temporary directory.
 * @returns the tarball's path and the paths it holds.
 * @throws Error when the build or `npm pack` fails.
 */
export function packPackage(root: string, work: string): { tarball: string; files: string[] } {
  const stage = join(work, 'stage');
  cpSync(root, stage, {
    recursive: true,
    filter: (source) => {
      const rel = relative(root, source);
      return !NOT_COPIED.has(rel.split(sep)[0]!) && rel !== join('docs', 'api');
    },
  });
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
  // `npm pack` runs `prepack`, which builds: the same path `npm publish` takes.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: stage,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: join(work, packed[0]!.filename), files: packed[0]!.files.map((f) => f.path) };
}
