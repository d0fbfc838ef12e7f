/**
 * The conformance kit against the SQLite adapter on a real database file in a temporary folder. Every
 * kit run gets its own table, named after the kit's namespace (CK-8), on its own connection to the one
 * file, so the runs that open several stores (CK-5) share the file as processes would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeConformance } from '../../conformance/vitest.js';
import { createSqliteStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionspec-sqlite-kit-'));
const file = join(dir, 'sessions.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeConformance({
  name: 'sqlite (file, WAL)',
  profile: process.env.SESSIONSPEC_SQLITE_PROFILE === 'deep' ? 'deep' : 'quick',
  factory: ({ namespace }) => {
    const store = createSqliteStore({ file, table: namespace, synchronous: 'normal' });
    return { store, close: () => store.close() };
  },
});
