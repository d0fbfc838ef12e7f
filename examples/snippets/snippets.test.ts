/**
 * The code of docs/getting-started.md and of the README cannot drift from the API: every `ts` block there
 * is a run of whole lines of one of the snippet files in this folder, which the project's typecheck
 * compiles. The snippets import from the sources by relative path; the docs show the same imports by
 * package name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const DOCS = [
  'docs/getting-started.md',
  'README.md',
  'docs/migrating-from-express-session.md',
  'docs/sqlite.md',
  'docs/postgres.md',
  'docs/guides/writing-an-integration.md',
  'docs/concurrency.md',
];

/** Relative source imports of the snippets, and the package subpath a user writes instead. */
const SUBPATHS: Record<string, string> = {
  '../../src/index.js': 'sessionspec',
  '../../spec/index.js': 'sessionspec/spec',
  '../../src/http/express/index.js': 'sessionspec/express',
  '../../src/http/fastify/index.js': 'sessionspec/fastify',
  '../../src/http/web/index.js': 'sessionspec/web',
  '../../src/http/hono/index.js': 'sessionspec/hono',
  '../../src/http/index.js': 'sessionspec/http',
  '../../src/http/testing/index.js': 'sessionspec/http/testing',
  '../../adapters/memory/index.js': 'sessionspec/adapters/memory',
  '../../adapters/redis/index.js': 'sessionspec/adapters/redis',
  '../../adapters/sqlite/index.js': 'sessionspec/adapters/sqlite',
  '../../adapters/postgres/index.js': 'sessionspec/adapters/postgres',
  '../../conformance/index.js': 'sessionspec/conformance',
  '../../conformance/vitest.js': 'sessionspec/conformance/vitest',
};

/**
 * A snippet as the guide shows it: imports by package name. A snippet may import a sibling
 * (`./node-http.js`): that is the reader's own module, shown as it is.
 * @throws Error when the snippet imports a relative path that is not a public entry point.
 */
function asPublished(source: string, file: string): string {
  return source.replace(/(from|declare module) '(\.\.\/[^']*)'/g, (_match, keyword: string, path: string) => {
    const subpath = SUBPATHS[path];
    if (subpath === undefined) throw new Error(`${file} imports ${path}, which is not a public entry point`);
    return `${keyword} '${subpath}'`;
  });
}

const snippets = readdirSync(here)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  .map((name) => ({ name, text: asPublished(readFileSync(join(here, name), 'utf8'), name) }));

/** The `ts` code blocks of the docs, with the file and line they start on. */
const blocks = DOCS.flatMap((doc) => {
  const text = readFileSync(join(here, '../..', doc), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
    doc,
    line: text.slice(0, match.index).split('\n').length,
    code: match[1]!,
  }));
});

/** The snippet that holds `code` as a run of whole lines, if any. */
function source(code: string): string | undefined {
  return snippets.find((s) => `\n${s.text}`.includes(`\n${code}`))?.name;
}

describe('code in docs/getting-started.md and README.md', () => {
  it('has code blocks, and the snippets import only public entry points', () => {
    for (const doc of DOCS) expect(blocks.filter((b) => b.doc === doc).length, doc).toBeGreaterThan(0);
    expect(snippets.length).toBeGreaterThan(5);
  });

  it('every ts block is an excerpt of a typechecked snippet (examples/snippets)', () => {
    const drifted = blocks.filter((b) => source(b.code) === undefined).map((b) => `${b.doc} line ${b.line}`);
    expect(drifted, 'blocks that match no snippet: copy them from examples/snippets').toEqual([]);
  });

  it('every ts block is complete: it parses on its own (a block cut off mid-expression does not)', () => {
    const broken = blocks.flatMap((b) => {
      const { diagnostics = [] } = ts.transpileModule(b.code, {
        reportDiagnostics: true,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      return diagnostics.map(
        (d) => `${b.doc} line ${b.line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      );
    });
    expect(broken).toEqual([]);
  });

  it('every snippet is shown in the docs', () => {
    const used = new Set(blocks.map((b) => source(b.code)));
    expect(snippets.map((s) => s.name).filter((name) => !used.has(name))).toEqual([]);
  });
});
