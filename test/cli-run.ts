/**
 * Run the CLI in-process as a test would from a shell: its exit code and what it wrote to stdout and
 * stderr.
 */
import { vi } from 'vitest';
import { main } from '../bin/cli.js';

/**
 * Run `sessionspec <argv>`, capturing what it writes.
 * @param argv - the arguments after the program name.
 * @returns the exit code and the text written to each stream.
 */
export async function runCli(
  argv: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
