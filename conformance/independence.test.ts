import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as rules from '../spec/rules.js';

const ROOT = new URL('.', import.meta.url).pathname;

/** Every source file of the kit (tests excluded). */
function kitFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return kitFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The names a file imports from sessionspec's own `spec/` or `src/`. */
function importedNames(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
    const from = match[2]!;
    if (!/(^|\/)(spec|src)\//.test(from)) continue;
    for (const part of match[1]!.split(',')) {
      const name = part
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+/)[0]!
        .trim();
      if (name !== '') names.push(name);
    }
  }
  return names;
}

describe('CK-4: the kit keeps its own model of the lifecycle rules', () => {
  it('no file of the kit imports a rule function of spec/rules.ts (a shared oracle could not catch a bug in the shared rule)', () => {
    const ruleNames = new Set(Object.keys(rules));
    expect(ruleNames.size).toBeGreaterThan(5);
    const offending = kitFiles().flatMap((file) =>
      importedNames(readFileSync(file, 'utf8'))
        .filter((name) => ruleNames.has(name))
        .map((name) => `${relative(ROOT, file)} imports ${name}`),
    );
    expect(offending).toEqual([]);
  });
});
