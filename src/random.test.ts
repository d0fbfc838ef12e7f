import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { randomId } from './random.js';

describe('randomId (ID-1)', () => {
  it('ID-1: ids of 16 and 32 bytes are 22 and 43 base64url characters', () => {
    expect(randomId(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomId(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('ID-1: no byte is handed out twice, across many refills of the pool', () => {
    const seen = new Set<string>();
    // 100,000 ids of 32 bytes: about 400 refills of the pool.
    for (let i = 0; i < 100_000; i++) seen.add(randomId(32));
    expect(seen.size).toBe(100_000);
  });

  it('ID-1: the bytes are spread evenly (a pool that hands out zeros or repeats would fail)', () => {
    const counts = new Array<number>(64).fill(0);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 12-byte ids are 16 characters with no padding bits: every character is uniform over 64 values.
    for (let i = 0; i < 20_000; i++) for (const c of randomId(12)) counts[alphabet.indexOf(c)]! += 1;
    const expected = (20_000 * 16) / 64;
    for (const count of counts) expect(Math.abs(count - expected)).toBeLessThan(expected * 0.1);
  });
});

describe('randomId in a startup snapshot (ID-1)', () => {
  it('ID-1: processes started from one startup snapshot never hand out the same bytes', async () => {
    const { build } = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'sessionspec-snapshot-'));
    try {
      // The snapshot's entry draws an id while the snapshot is built (filling the pool), then each
      // process started from the snapshot draws one more.
      writeFileSync(
        join(dir, 'entry.ts'),
        [
          `import { startupSnapshot } from 'node:v8';`,
          `import { randomId } from ${JSON.stringify(fileURLToPath(new URL('./random.ts', import.meta.url)))};`,
          'randomId(16);',
          'startupSnapshot.setDeserializeMainFunction(() => process.stdout.write(randomId(16)));',
        ].join('\n'),
      );
      await build({
        entryPoints: [join(dir, 'entry.ts')],
        outfile: join(dir, 'entry.cjs'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        logLevel: 'silent',
      });
      const blob = join(dir, 'snapshot.blob');
      execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', join(dir, 'entry.cjs')]);
      const first = execFileSync(process.execPath, ['--snapshot-blob', blob], { encoding: 'utf8' });
      const second = execFileSync(process.execPath, ['--snapshot-blob', blob], { encoding: 'utf8' });
      expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(second).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(second).not.toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
