/**
 * The Redis store as a user installs it: the packed tarball, `npm install`ed from the registry into an
 * empty project beside each Redis client people hold (ioredis 6, ioredis 5, node-redis 6 and 4), with no flag
 * that loosens peer checks; then the conformance kit, run there by the installed CLI, passes against a
 * real Redis through that client. One install per client.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackage } from './pack.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

let work: string;
let tarball: string;
let server: RedisServer;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sessionspec-redis-install-'));
  ({ tarball } = packPackage(root, work));
  server = await startRedisServer();
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe.each([
  { client: 'ioredis@6', name: 'ioredis', major: '6' },
  { client: 'ioredis@5', name: 'ioredis', major: '5' },
  { client: 'redis', name: 'redis', major: '6' },
  // connect-redis 7 applications hold node-redis 4; the CLI closes it with quit(), its only close.
  { client: 'redis@4', name: 'redis', major: '4' },
])('npm install $client <tarball> in an empty project', ({ client, name, major }) => {
  let project: string;
  let install: { status: number | null; output: string; seconds: number };
  beforeAll(() => {
    project = join(work, client.replace(/\W/g, '-'));
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    const started = performance.now();
    // As a user types it: no --legacy-peer-deps, no --force. fast-check is the kit's own peer.
    const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', client, tarball, 'fast-check'], {
      cwd: project,
      encoding: 'utf8',
    });
    install = {
      status: result.status,
      output: `${result.stdout}${result.stderr}`,
      seconds: (performance.now() - started) / 1000,
    };
    process.stdout.write(`npm install ${client} <tarball> fast-check: ${install.seconds.toFixed(1)} s\n`);
  }, 300_000);

  it('installs without flags, and gets that client', () => {
    expect(install.status, install.output).toBe(0);
    expect(install.output).not.toMatch(/ERESOLVE|peer dep/i);
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'));
    expect(installed.version.split('.')[0]).toBe(major);
  });

  it('CK-1: the conformance kit passes against a real Redis through that client', () => {
    expect(install.status, install.output).toBe(0);
    const bin = join(project, 'node_modules', '.bin', 'sessionspec');
    const run = spawnSync(bin, ['conformance', '--redis-url', server.url], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/redis \(127\.0\.0\.1:\d+\): \d+ passed, 0 failed/);
  }, 300_000);
});
