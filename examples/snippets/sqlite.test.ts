/**
 * The SQLite snippet of docs/sqlite.md runs as written: on a file in a temporary folder, a session it
 * commits is in the backup it makes, which a store opened on the copy reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createSqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionspec-sqlite-snippet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('docs/sqlite.md: sessions on the file, and an online backup that holds them', async () => {
  process.env.SESSIONS_DB = join(dir, 'sessions.db');
  const { backUp, manager } = await import('./sqlite.js');
  const session = await manager.load(undefined);
  session.set('cart', ['book']);
  const { cookie } = await session.commit();
  if (cookie.action !== 'set') throw new Error('the first commit sets the cookie');
  const copy = join(dir, 'copy.db');
  await backUp(copy);
  const restored = createSqliteStore({ file: copy });
  try {
    const fromCopy = createSessionManager({ store: restored });
    expect((await fromCopy.load(cookie.token)).get('cart')).toEqual(['book']);
  } finally {
    await restored.close();
  }
});
