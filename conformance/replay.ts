/**
 * Replay tokens (CK-9): what the kit prints for a failure and reads back from `--replay` or
 * `SESSIONSPEC_REPLAY`.
 *
 * @packageDocumentation
 */
import type { ReplayToken } from './types.js';

/**
 * Parse a replay token (CK-9), as printed by the kit for a failure.
 * @param text - JSON `{ "rule": "CK-3", "seed": 1, "path": "0:1", "replayPath"?: "..." }`.
 * @returns the token.
 * @throws TypeError when the text is not such a token.
 */
export function parseReplayToken(text: string): ReplayToken {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TypeError(`a replay token is JSON like {"rule":"CK-3","seed":1,"path":"0:1"}; got ${text}`);
  }
  const token = value as Partial<ReplayToken> | null;
  if (
    typeof token !== 'object' ||
    token === null ||
    typeof token.rule !== 'string' ||
    typeof token.seed !== 'number' ||
    typeof token.path !== 'string' ||
    (token.replayPath !== undefined && typeof token.replayPath !== 'string') ||
    (token.profile !== undefined && token.profile !== 'quick' && token.profile !== 'deep')
  ) {
    throw new TypeError(
      `a replay token needs "rule" (string), "seed" (number) and "path" (string); got ${text}`,
    );
  }
  const { rule, seed, path, replayPath, profile } = token;
  return {
    rule,
    seed,
    path,
    ...(replayPath === undefined ? {} : { replayPath }),
    ...(profile === undefined ? {} : { profile }),
  };
}
