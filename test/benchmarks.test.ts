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
    const correctness = report.slice(report.indexOf('## Correctness under load'));
    const rows = correctness
      .slice(0, correctness.indexOf('\n## ', 1))
      .split('\n')
      .filter((line) => /^\| `sessionspec-[a-z-]+` \| \d+ of \d+ \|/.test(line));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect(row, row).toMatch(/^\| `[a-z-]+` \| 0 of \d+ \| 0 of \d+ \| \d+ \| 0 of \d+ \|/);
  });

  it("PERF-3: prints every peer's options and each variant's routes", () => {
    const setup = report.slice(report.indexOf('## Setup'), report.indexOf('## HTTP'));
    for (const peer of [
      'express-session',
      'connect-redis',
      '@fastify/session',
      'connect-pg-simple',
      'unsafe GET + SET',
    ])
      expect(setup, peer).toMatch(new RegExp(`\\| ${peer.replace(/[+]/g, '\\+')}[^|]* \\| \`\\{"`));
    expect(setup).toMatch(/\| `sessionspec-express-redis` \| [^|]+ \| `GET \/read`, `POST \/incr`/);
  });

  it('PERF-3: states each target with the median of its paired ratios, its spread and whether it was met', () => {
    const targets = report.slice(report.indexOf('## Targets'), report.indexOf('## Setup'));
    for (const [what, target] of [
      ['over bare node:http / what the unsafe GET \\+ SET adds over node:http, increment', '1.33'],
      ['over bare express / what the unsafe GET \\+ SET adds over node:http, read', '1.33'],
      ['over bare fastify / what the unsafe GET \\+ SET adds over node:http, increment', '1.33'],
      ['Redis CPU per increment / raw GET \\+ minimal EVALSHA compare-and-set', '1.15'],
      ['Redis CPU per read / bare GET of the record', '1.10'],
    ])
      expect(targets, what).toMatch(
        new RegExp(
          `${what}[^|]* \\| <= ${target}x \\| \\d+\\.\\d+x \\(IQR \\d+\\.\\d+-\\d+\\.\\d+, [^|]+\\) \\| (yes|\\*\\*no\\*\\*) \\|`,
        ),
      );
    expect(targets).toMatch(
      /req\/s sessionspec-express-postgres \/ express-session-postgres, read \| reported \| \d+\.\d+x/,
    );
  });

  it('PERF-3: has the scale-out table for 1, 2 and 4 processes against one Redis, and the model beyond', () => {
    const scale = report.slice(report.indexOf('## Scale-out'));
    for (const variant of ['sessionspec-express-redis', 'express-session-redis'])
      for (const processes of [1, 2, 4])
        expect(scale, `${variant} x ${processes}`).toMatch(
          new RegExp(
            `\\| one Redis \\| \`${variant}\` \\| read-increment-save \\| ${processes} \\| [\\d,]+ [^|]*\\| \\d+ \\| \\d+\\.\\d \\| [\\d,]+ \\|`,
          ),
        );
    expect(scale).toMatch(
      /\| `sessionspec-express-redis` \| read-increment-save \| Cluster, 3 masters \| [\d,]+/,
    );
  });
});
