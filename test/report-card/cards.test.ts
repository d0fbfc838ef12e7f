/**
 * docs/report-card.md is what the cards say: this regenerates every card (express-session's
 * MemoryStore, memorystore, connect-redis on a real Redis, connect-pg-simple on a real PostgreSQL,
 * better-sqlite3-session-store on a real SQLite file, and
 * sessionspec's memory adapter beside them) with the cards' fixed seed and fails when the committed
 * page differs. `REPORT_CARD_WRITE=1 npx vitest run test/report-card/cards.test.ts` rewrites the page.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgresServer } from '../postgres-server.js';
import { type RedisServer, startRedisServer } from '../redis-server.js';
import { BEGIN, END, renderCards } from './cards.js';

const PAGE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'report-card.md');

let redis: RedisServer;
let postgres: PostgresServer;

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedisServer(), startPostgresServer()]);
  process.env.REDIS_URL = redis.url;
  process.env.DATABASE_URL = postgres.url;
});

afterAll(async () => {
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

describe('docs/report-card.md', () => {
  it('CK-9: the committed cards are the ones the stores earn now (fixed seed, no timings)', {
    timeout: 600_000,
  }, async () => {
    let page = readFileSync(PAGE, 'utf8');
    const begin = page.indexOf(BEGIN);
    const end = page.indexOf(END);
    expect(begin, `docs/report-card.md must hold the markers ${BEGIN} and ${END}`).toBeGreaterThan(-1);
    const rendered = await renderCards();
    // The cards leave nothing behind in the store they measured: neither the kit's records nor the
    // sessions express-session made for the HTTP figures.
    const client = new Redis(redis.url);
    try {
      expect(await client.keys('*')).toEqual([]);
    } finally {
      client.disconnect();
    }
    const next = `${page.slice(0, begin)}${rendered}${page.slice(end + END.length + 1)}`;
    if (process.env.REPORT_CARD_WRITE === '1') {
      writeFileSync(PAGE, next);
      page = next;
    }
    expect(
      next,
      'the cards changed: run REPORT_CARD_WRITE=1 npx vitest run test/report-card/cards.test.ts and commit docs/report-card.md',
    ).toBe(page);
  });
});
