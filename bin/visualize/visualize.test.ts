import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { machineGraph } from '../../spec/graph.js';
import { sessionMachine } from '../../spec/machine.js';
import { FORMATS, render } from './command.js';
import { toDiagram } from './diagram.js';
import { diagramInMarkdown, toMermaid } from './mermaid.js';
import { EFFECT_TAGS, effectTags } from './tags.js';

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
    });
  }

  it('mermaid: each state declared with its name as title, expiry as one edge, tags on the edges', () => {
    const mermaid = toMermaid(machineGraph());
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    // A bare `state : text` line before the declaration would become the box's title in Mermaid 11.
    for (const s of states) {
      const declared = mermaid.indexOf(`state "${s}" as ${s}`);
      expect(declared, s).toBeGreaterThan(-1);
      expect(mermaid.indexOf(`${s} : `), s).not.toBeLessThan(declared);
    }
    expect(mermaid).toMatch(/^ {4}\[\*\] --> anonymous : create<br>new token$/m);
    expect(mermaid).toContain('authenticated --> anonymous : logout<br>new token · user bucket wiped');
    // LC-7: the expiry checks of both live states on access and touch are one edge.
    const expiry = mermaid.split('\n').filter((l) => / --> expired /.test(l));
    expect(expiry).toEqual([
      '  live --> expired : access, touch [absoluteExpired or idleExpired]<br>record deleted · cookie cleared',
    ]);
    // No shared end marker for the terminal states.
    expect(mermaid).not.toMatch(/--> \[\*\]/);
    for (const s of finals) expect(mermaid).toMatch(new RegExp(`class .*\\b${s}\\b.* terminal`));
  });

  it('dot: terminal states are red boxes titled with their name; every edge and line has an id and rules', async () => {
    const dot = await render(machineGraph(), 'dot');
    for (const s of finals)
      expect(dot).toMatch(new RegExp(`"${s}" \\[[^\\]]*class="state final"[^\\]]*label="${s}"`));
    const diagram = toDiagram(machineGraph());
    for (const item of [...diagram.edges, ...diagram.boxes.flatMap((b) => b.lines)]) {
      expect(dot).toContain(`"${item.id}"`);
      expect(item.rules.length, item.id).toBeGreaterThan(0);
    }
    // Every candidate of the machine is drawn exactly once, by an edge or by a line.
    const drawn = [...diagram.edges, ...diagram.boxes.flatMap((b) => b.lines)].flatMap((i) =>
      i.transitions.map((t) => t.id),
    );
    expect(drawn.slice().sort()).toEqual(
      machineGraph()
        .transitions.map((t) => t.id)
        .sort(),
    );
    expect(drawn.length).toBe(candidates.length + 1);
  });

  it('svg: every state, edge and line has an element with its id, for the HTML page to click', async () => {
    const svg = decode(await render(machineGraph(), 'svg'));
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg /);
    for (const s of states) expect(svg).toContain(`id="state-${s}"`);
    const diagram = toDiagram(machineGraph());
    for (const item of [...diagram.edges, ...diagram.boxes.flatMap((b) => b.lines)])
      expect(svg).toContain(`id="${item.id}"`);
  });

  it('html: one self-contained file, nothing loaded from elsewhere', async () => {
    const html = await render(machineGraph(), 'html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
    expect(markup).not.toMatch(/<(link|img|iframe)\b|\bsrc=|@import|url\(/i);
    expect(markup).not.toMatch(/href="(?!#)/);
    // The bundled script (the machine and the simulator) asks the network for nothing either.
    expect(html).not.toMatch(/\bfetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|import\(/);
  });

  it('tags every action of the machine, or leaves it to the tables on purpose', () => {
    for (const action of Object.keys(sessionMachine.implementations.actions)) {
      expect(EFFECT_TAGS, `action '${action}' has no entry in EFFECT_TAGS`).toHaveProperty([action]);
    }
    expect(effectTags(['rotateSecret', 'issueToken', 'audit(rotated)'])).toEqual([
      'new token',
      'old secret in grace',
    ]);
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
    expect(stale).not.toBe(expected);
    expect(diagramInMarkdown(doc(stale))).not.toBe(expected);
    expect(diagramInMarkdown('# no diagram\n')).toBeNull();
  });
});
