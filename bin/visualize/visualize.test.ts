import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { machineGraph } from '../../spec/graph.js';
import { sessionMachine } from '../../spec/machine.js';
import { FORMATS, render } from './command.js';
import { diagramInMarkdown, toMermaid } from './mermaid.js';

interface Candidate {
  guard?: string;
  target?: string;
}
// The expected names come from the machine's own config, not from the graph the renderers use.
const config = sessionMachine.config as unknown as {
  states: Record<string, { type?: string; on?: Record<string, Candidate | Candidate[]> }>;
};
const states = Object.keys(config.states);
const finals = states.filter((s) => config.states[s]?.type === 'final');
const candidates = Object.values(config.states).flatMap((s) =>
  Object.values(s.on ?? {}).flatMap((c) => (Array.isArray(c) ? c : [c])),
);
const events = ['create', ...new Set(Object.values(config.states).flatMap((s) => Object.keys(s.on ?? {})))];
const guards = [
  ...new Set([
    ...Object.keys(sessionMachine.implementations.guards),
    ...candidates.flatMap((c) => (c.guard === undefined ? [] : [c.guard])),
  ]),
];

/** @internal Decodes the entities Graphviz and the HTML page use. */
function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** @internal What a reader sees: SVG `<text>` content, or the HTML page's text without scripts and styles. */
function visibleText(format: string, document: string): string {
  if (format === 'svg')
    return decode([...document.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join('\n'));
  if (format === 'html') {
    return decode(document.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' '));
  }
  // DOT labels break lines with a `\n` escape.
  if (format === 'dot') return document.replace(/\\n/g, '\n');
  return document;
}

const word = (name: string) => new RegExp(`(^|[^\\w])${name}($|[^\\w])`);

describe('VIS-1: every state, event and guard of the machine is drawn, in every format', () => {
  expect(states.length).toBeGreaterThan(0);
  expect(guards).toContain('isFresh');

  for (const format of FORMATS) {
    it(`${format}`, async () => {
      const text = visibleText(format, await render(machineGraph(), format));
      for (const state of states) expect(text, `state ${state}`).toMatch(word(state));
      for (const event of events) expect(text, `event ${event}`).toMatch(word(event));
      for (const guard of guards) expect(text, `guard ${guard}`).toMatch(word(guard));
      for (const guard of guards.filter((g) => g !== 'isFresh')) expect(text).toContain(`[${guard}]`);
    });
  }

  it('mermaid: starts at anonymous, marks the terminal states final, labels transitions with rules', () => {
    const mermaid = toMermaid(machineGraph());
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(mermaid).toMatch(/^ {2}\[\*\] --> anonymous : create \(ID-1, .*SEC-6\)$/m);
    for (const s of finals) expect(mermaid).toContain(`  ${s} --> [*]\n`);
    expect(mermaid).toContain('  authenticated --> anonymous : logout (LC-5,');
    expect(mermaid).toContain('  anonymous --> expired : access [absoluteExpired] (LC-6, LC-7');
    // One line per candidate: a transition between states, or an internal one inside its state.
    const lines = mermaid.split('\n').filter((l) => / --> \w+ : | : \w+( \[\w+\])? \(/.test(l));
    expect(lines.length).toBe(candidates.length + 1);
  });

  it('dot: terminal states are double circles, every transition has its id and rules', async () => {
    const dot = await render(machineGraph(), 'dot');
    for (const s of finals) expect(dot).toMatch(new RegExp(`"${s}" \\[[^\\]]*shape="doublecircle"`));
    for (const t of machineGraph().transitions) {
      expect(dot).toContain(`"${t.id}"`);
      expect(t.rules.length).toBeGreaterThan(0);
    }
  });

  it('svg: every state and every transition has an element with its id, for the HTML page to click', async () => {
    const svg = decode(await render(machineGraph(), 'svg'));
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg /);
    for (const s of states) expect(svg).toContain(`id="state-${s}"`);
    for (const t of machineGraph().transitions) expect(svg).toContain(`id="${t.id}"`);
  });

  it('html: one self-contained file, nothing loaded from elsewhere', async () => {
    const html = await render(machineGraph(), 'html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(link|img|iframe)\b|\bsrc=|@import|url\(/i);
    expect(html).not.toMatch(/href="(?!#)/);
  });
});

describe('VIS-2: the diagram in docs/lifecycle.md is the machine', () => {
  it('matches a freshly generated Mermaid diagram', async () => {
    const doc = await readFile(new URL('../../docs/lifecycle.md', import.meta.url), 'utf8');
    const expected = toMermaid(machineGraph());
    expect(
      diagramInMarkdown(doc),
      'docs/lifecycle.md is out of date: replace its mermaid block with the output of `npx sessionspec visualize`',
    ).toBe(expected);
  });

  it("matches the README's copy", async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(
      diagramInMarkdown(readme),
      'README.md is out of date: replace its mermaid block with the output of `npx sessionspec visualize`',
    ).toBe(toMermaid(machineGraph()));
  });

  it('notices a diagram that lost a transition, and a missing block', () => {
    const expected = toMermaid(machineGraph());
    const doc = (diagram: string) =>
      `# x\n<!-- machine-diagram:start -->\n\`\`\`mermaid\n${diagram}\`\`\`\n<!-- machine-diagram:end -->\n`;
    expect(diagramInMarkdown(doc(expected))).toBe(expected);
    const stale = expected.replace(/^.*logout.*\n/m, '');
    expect(diagramInMarkdown(doc(stale))).not.toBe(expected);
    expect(diagramInMarkdown('# no diagram\n')).toBeNull();
  });
});
