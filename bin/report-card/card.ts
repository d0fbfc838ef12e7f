/**
 * A report card: the conformance kit run through the express-session bridge with a fixed seed, each
 * rule pass / fail / not expressible, the counterexample of each failure, and the HTTP consequences
 * measured through express-session. Formatted as Markdown without timings, so the same store gives
 * the same card byte for byte.
 *
 * @packageDocumentation
 */
import { startHere } from '../../conformance/report.js';
import { runConformance } from '../../conformance/run.js';
import type { RuleResult } from '../../conformance/types.js';
import { bridgeExpressStore, type ExpressStore } from './bridge.js';
import { notExpressible } from './expressible.js';
import { type ExpressSessionFactory, type HttpConsequences, measureHttp } from './http.js';

/** The seed of every card (CK-9): a card is a replayable measurement, not a sample. */
export const CARD_SEED = 20_161_116;

/** One rule's line of a card. */
export interface CardLine {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'not expressible';
  /** Why not expressible, or what failed. */
  reason?: string;
  counterexample?: string[];
}

/** A store's card. */
export interface Card {
  name: string;
  /** What the store declares of the optional Store API. */
  optional: { all: boolean; touch: boolean; clear: boolean; length: boolean };
  lines: CardLine[];
  /** The kit's "start here" line when several rules fail: the most basic failure. */
  startHere?: string;
  http: HttpConsequences;
}

/**
 * Run the kit through the bridge and measure the HTTP consequences.
 * @param name - the store's name on the card.
 * @param store - an express-session store; the card removes the sessions its HTTP measurement made, and
 *   the kit purges its own namespaces when the store has `all()`.
 * @param expressSession - express-session's default export.
 * @returns the card.
 */
export async function reportCard(
  name: string,
  store: ExpressStore,
  expressSession: ExpressSessionFactory,
): Promise<Card> {
  const optional = {
    all: typeof store.all === 'function',
    touch: typeof store.touch === 'function',
    clear: typeof store.clear === 'function',
    length: typeof store.length === 'function',
  };
  const { RULE_GROUPS } = await import('../../conformance/rules/index.js');
  const rules = RULE_GROUPS.flatMap((group) => group.rules);
  const measured = rules
    .map((rule) => rule.id)
    .filter((id) => notExpressible(id, optional.all) === undefined);
  const report = await runConformance({
    name,
    seed: CARD_SEED,
    only: measured,
    // No rule may be cut short by time: the card must not depend on the machine's speed (CK-10).
    budgetMs: 3_600_000,
    factory: ({ namespace }) => ({ store: bridgeExpressStore(store, namespace), close: () => {} }),
  });
  const results = new Map(report.rules.map((result) => [result.id, result]));
  const lines = rules.map((rule): CardLine => {
    const reason = notExpressible(rule.id, optional.all);
    if (reason !== undefined) return { id: rule.id, title: rule.title, status: 'not expressible', reason };
    return lineOf(results.get(rule.id)!);
  });
  const [first] = startHere(report.rules);
  const http = await measureHttp(expressSession, store);
  return { name, optional, lines, ...(first === undefined ? {} : { startHere: first }), http };
}

/** The first line of a failure, cut to fit a table cell (the whole message follows the table). */
function brief(reason: string): string {
  const first = reason.split('\n')[0]!.split(' | ')[0]!;
  return first.length > 200 ? `${first.slice(0, 199)}…` : first;
}

/** A kit result as a card line: unsupported (a capability the bridge lacks) is not expressible. */
function lineOf(result: RuleResult): CardLine {
  const base = { id: result.id, title: result.title };
  if (result.status === 'pass') return { ...base, status: 'pass' };
  if (result.status === 'unsupported')
    return { ...base, status: 'not expressible', reason: result.message ?? 'unsupported' };
  return {
    ...base,
    status: 'fail',
    reason: (result.message ?? '').replace(/^\[[^\]]+\] /, ''),
    ...(result.counterexample === undefined ? {} : { counterexample: result.counterexample }),
  };
}

/**
 * The card as Markdown: a summary, the rules, the failures with their counterexamples, and the HTTP
 * consequences.
 * @param card - from {@link reportCard}.
 * @param heading - the heading level and title line, e.g. `### express-session MemoryStore`.
 * @returns the Markdown, newline-terminated.
 */
export function formatCard(card: Card, heading = `## ${card.name}`): string {
  const count = (status: CardLine['status']) => card.lines.filter((line) => line.status === status).length;
  const { http } = card;
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const out = [
    heading,
    '',
    `**${count('pass')} pass, ${count('fail')} fail, ${count('not expressible')} not expressible** ` +
      `(optional Store API: ${(['all', 'touch', 'clear', 'length'] as const)
        .map((m) => `${m}() ${card.optional[m] ? 'yes' : 'no'}`)
        .join(', ')}).`,
    ...(card.startHere === undefined ? [] : ['', `${card.startHere}.`]),
    '',
    'Through express-session, on a real HTTP server:',
    '',
    `- lost updates: **${http.lostUpdates} of ${http.increments}** overlapping \`count += 1\` requests lost`,
    `- resurrected after logout by a save in flight: **${http.resurrectedBySave} of ${http.trials}**`,
    `- resurrected after logout by a touch in flight: **${http.resurrectedByTouch} of ${http.trials}**`,
    '',
    '| rule | result | note |',
    '| --- | --- | --- |',
    ...card.lines.map(
      (line) =>
        `| ${line.id} | ${line.status === 'fail' ? '**fail**' : line.status} | ${cell(line.status === 'pass' ? line.title : brief(line.reason ?? ''))} |`,
    ),
    '',
  ];
  for (const line of card.lines.filter((l) => l.status === 'fail')) {
    // A message listing several failures keeps the first: the later ones may vary between runs.
    const segments = (line.reason ?? '').split(' | ');
    const reason = segments.length > 2 ? `${segments.slice(0, 2).join(' | ')} | …` : (line.reason ?? '');
    out.push(`**${line.id} fails**: ${line.title}.`, '', '```text', ...reason.split('\n'));
    if (line.counterexample !== undefined) {
      out.push('shortest counterexample:');
      line.counterexample.forEach((step, i) => {
        out.push(`  ${i + 1}. ${step}`);
      });
    }
    out.push('```', '');
  }
  return `${out.join('\n')}`;
}
