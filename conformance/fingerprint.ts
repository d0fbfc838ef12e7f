/**
 * What identifies a report (CK-9): the kit's version, a hash of the machine definition and a hash of
 * SPEC.md, so a report says exactly which contract it checked.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { lifecycleTableMarkdown, sessionMachine } from '../spec/index.js';

/**
 * Read the first of `candidates` (relative to this module) that exists: the kit runs from source
 * (`conformance/`) and from the build (`dist/conformance/`).
 */
async function readShipped(candidates: readonly string[]): Promise<string | null> {
  for (const candidate of candidates) {
    try {
      return await readFile(new URL(candidate, import.meta.url), 'utf8');
    } catch {
      // Not at this location: try the next.
    }
  }
  return null;
}

/** Serialise with sorted keys; functions by name only, so source and build hash alike. */
function stableStringify(value: unknown): string {
  if (typeof value === 'function') return JSON.stringify(`[function ${value.name}]`);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * SHA-256 of the lifecycle machine's configuration and of the lifecycle table computed from it.
 * @returns the hex digest.
 */
export function machineHash(): string {
  return sha256(`${stableStringify(sessionMachine.config)}\n${lifecycleTableMarkdown()}`);
}

/**
 * SHA-256 of `spec/SPEC.md` as shipped in the package (line endings normalised).
 * @returns the hex digest, or `null` when the file is not there.
 */
export async function specHash(): Promise<string | null> {
  const text = await readShipped(['../spec/SPEC.md', '../../spec/SPEC.md']);
  return text === null ? null : sha256(text.replace(/\r\n/g, '\n'));
}

/**
 * The version of the sessionspec package the kit belongs to.
 * @returns the `version` of its `package.json`, or `'0.0.0'` when it cannot be found.
 */
export async function kitVersion(): Promise<string> {
  for (const candidate of ['../package.json', '../../package.json']) {
    const text = await readShipped([candidate]);
    if (text === null) continue;
    const pkg = JSON.parse(text) as { name?: string; version?: string };
    if (pkg.name === 'sessionspec' && typeof pkg.version === 'string') return pkg.version;
  }
  return '0.0.0';
}
