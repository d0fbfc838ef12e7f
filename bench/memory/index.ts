/**
 * Run the memory figures in a process of their own (they need `--expose-gc` and a quiet heap).
 *
 * @packageDocumentation
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryFigure } from './measure.js';

export type { MemoryFigure } from './measure.js';

/**
 * Measure bytes per session.
 * @param redisPort - the benchmark's Redis; its database is flushed.
 * @param sessions - sessions per store.
 * @returns the figures.
 * @throws Error when the measuring process fails.
 */
export function runMemory(redisPort: number, sessions: number): Promise<MemoryFigure[]> {
  const child = fork(fileURLToPath(new URL('./measure.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, BENCH_REDIS_PORT: String(redisPort), BENCH_MEMORY_SESSIONS: String(sessions) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let figures: MemoryFigure[] | null = null;
    child.once('message', (message) => {
      figures = message as MemoryFigure[];
    });
    child.once('exit', (code) => {
      if (figures !== null) resolve(figures);
      else reject(new Error(`bench/memory exited with ${code} without figures`));
    });
  });
}
