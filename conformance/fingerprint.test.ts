import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { kitVersion, machineHash, specHash } from './fingerprint.js';
import { jsonEqual } from './json.js';

describe('CK-9 report fingerprints', () => {
  test('the machine hash is a stable SHA-256', () => {
    expect(machineHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(machineHash()).toBe(machineHash());
  });

  test('the spec hash is the SHA-256 of the shipped SPEC.md, and the kit version that of package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(await kitVersion()).toBe(pkg.version);
    expect(await specHash()).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ST-6 JSON equality used by the kit', () => {
  test('a dropped __proto__ key, a reordered array or an empty array turned object are differences', () => {
    const withProto = JSON.parse('{"__proto__":{"a":1},"b":[1,2]}');
    expect(jsonEqual(JSON.parse('{"b":[1,2],"__proto__":{"a":1}}'), withProto)).toBe(true);
    expect(jsonEqual({ b: [1, 2] }, withProto)).toBe(false);
    expect(jsonEqual(JSON.parse('{"__proto__":{"a":1},"b":[2,1]}'), withProto)).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
    expect(jsonEqual(-0, 0)).toBe(true);
  });
});
