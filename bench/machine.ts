/**
 * The facts a figure means nothing without: the machine, the runtime, Redis, PostgreSQL and the
 * versions of every library measured.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Redis } from 'ioredis';

/** What the report states about where it was measured. */
export interface MachineFacts {
  cores: number;
  cpu: string;
  memoryGiB: number;
  /** 1-minute load average when the run started: other work on the machine. */
  loadAverage: number;
  node: string;
  redis: string;
  /** PostgreSQL's `server_version`. */
  postgres: string;
  date: string;
  packages: Record<string, string>;
}

const PACKAGES = [
  'express',
  'express-session',
  'connect-redis',
  'redis',
  'fastify',
  '@fastify/session',
  '@fastify/cookie',
  'ioredis',
  'connect-pg-simple',
  'pg',
  'better-sqlite3',
  'connect-sqlite3',
  'sqlite3',
  'autocannon',
];

/** @internal The installed version of a package. */
function versionOf(name: string): string {
  const require = createRequire(import.meta.url);
  try {
    // Some packages do not export `./package.json`: find the entry, then walk up to its manifest.
    let dir = require.resolve(name);
    for (let i = 0; i < 6; i++) {
      dir = dir.slice(0, dir.lastIndexOf('/'));
      try {
        const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (manifest.name === name && manifest.version !== undefined) return manifest.version;
      } catch {
        // not here; go up
      }
    }
  } catch {
    // not installed
  }
  return '?';
}

/**
 * Collect the facts.
 * @param redis - a client of the benchmark's Redis.
 * @param postgresVersion - the benchmark PostgreSQL's `server_version`.
 * @returns the facts.
 */
export async function machineFacts(redis: Redis, postgresVersion: string): Promise<MachineFacts> {
  const info = await redis.info('server');
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? '?',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg()[0]!,
    node: process.version,
    redis: /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? '?',
    postgres: postgresVersion,
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, versionOf(name)])),
  };
}
