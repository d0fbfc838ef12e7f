import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const report = await readFile(new URL('../docs/benchmarks.md', import.meta.url), 'utf8');

describe('the benchmark report (PERF-3)', () => {
  it('PERF-3: compares, in one run, against express-session (memory and connect-redis), @fastify/session and raw ioredis', () => {
    for (const peer of [
      'express-session-memory',
      'express-session-redis',
      'fastify-session-redis',
      'unsafe-node-redis',
      'raw ioredis GET + SET',
      'raw ioredis GET + EVALSHA CAS',
    ]) {
      expect(report, peer).toContain(peer);
    }
  });

  it('PERF-3: reports a ratio for every sessionspec variant against its peer, and the machine it ran on', () => {
    const ratios = report.slice(report.indexOf('Ratios, each sessionspec variant to its peer'));
    for (const pair of [
      ['sessionspec-express-redis', 'express-session-redis'],
      ['sessionspec-fastify-redis', 'fastify-session-redis'],
      ['sessionspec-node-redis', 'unsafe-node-redis'],
    ]) {
      expect(ratios).toMatch(new RegExp(`\`${pair[0]}\` \\| \`${pair[1]}\` \\| \\d+\\.\\d+x`));
    }
    expect(report).toMatch(/\| Node\.js \| v\d+/);
    expect(report).toMatch(/\| command \| `npm run bench/);
  });

  it('PERF-3, CC-3, CC-4: the report shows no lost update and no resurrected session for sessionspec', () => {
    const rows = report.split('\n').filter((line) => /^\| `sessionspec-[a-z-]+` \| \d+ of \d+ \|/.test(line));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect(row, row).toMatch(/^\| `[a-z-]+` \| 0 of \d+ \| 0 of \d+ \| \d+ \| 0 of \d+ \|/);
  });
});
