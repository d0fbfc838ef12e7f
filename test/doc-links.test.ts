/**
 * The relative links of the README, the guides and SPEC.md lead to files of the repository: a reader on
 * the repository's web page follows them, so a link into a missing file or into a generated folder that
 * is never committed (`.gitignore`: `docs/api/`, `dist/`) is dead there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The markdown files a reader browses: the README, every file under docs/ (but the generated API), SPEC.md. */
function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md') && !name.startsWith('api'))
    .map((name) => join('docs', name));
  return ['README.md', 'CHANGELOG.md', join('spec', 'SPEC.md'), ...docs];
}

/** The folders `.gitignore` names (lines ending in `/`): generated, never in a clone. */
const ignoredFolders = readFileSync(join(root, '.gitignore'), 'utf8')
  .split('\n')
  .filter((line) => line.endsWith('/') && !line.startsWith('#'))
  .map((line) => line.replace(/^\/|\/$/g, ''));

/** Every relative link target of a markdown file (without its `#anchor`), outside code spans and blocks. */
function relativeLinks(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('links in the markdown files', () => {
  it.each(markdownFiles())('%s links only to committed files', (file) => {
    const dead = relativeLinks(readFileSync(join(root, file), 'utf8')).filter((target) => {
      const path = join(root, dirname(file), target);
      const inRepo = relative(root, path);
      const generated = ignoredFolders.some((folder) => inRepo === folder || inRepo.startsWith(`${folder}/`));
      return generated || !existsSync(path);
    });
    expect(dead).toEqual([]);
  });
});
