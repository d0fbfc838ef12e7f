import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineGraph } from '../../spec/graph.js';
import { sessionMachine } from '../../spec/machine.js';
import { launchBrowser } from '../../test/browser.js';
import { readDiagram } from '../../test/visualize/rendered.js';
import { toMermaid } from './mermaid.js';
import { toSvg } from './svg.js';

// The expected names come from the machine's config, not from the graph the diagrams are drawn from.
const states = Object.keys((sessionMachine.config as { states: Record<string, unknown> }).states);
const output = fileURLToPath(new URL('../../test-output/', import.meta.url));
/** The width a repository page gives a README's diagram. */
const README_WIDTH = 850;
/** The smallest text a reader can read without zooming, in CSS pixels. */
const READABLE_PX = 11;

/** The Mermaid majors the diagram is rendered with: the one repository hosts use, and the next. */
const MERMAIDS = ['mermaid11', 'mermaid12'] as const;

describe('the diagrams as a reader sees them, rendered in chromium (VIS-1)', () => {
  let browser: Browser;
  beforeAll(async () => {
    await mkdir(output, { recursive: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const mermaid of MERMAIDS) {
    it(`${mermaid}: the state names are the box titles and no label is under ${READABLE_PX} px at ${README_WIDTH} px`, async () => {
      const pkg = JSON.parse(
        await readFile(new URL(`../../node_modules/${mermaid}/package.json`, import.meta.url), 'utf8'),
      ) as { version: string };
      expect(pkg.version.split('.')[0]).toBe(mermaid.slice('mermaid'.length));
      const page = await browser.newPage({ viewport: { width: README_WIDTH, height: 1000 } });
      await page.setContent(
        `<!doctype html><body style="margin:0"><div id="readme" style="width:${README_WIDTH}px"></div></body>`,
      );
      await page.addScriptTag({
        path: fileURLToPath(new URL(`../../node_modules/${mermaid}/dist/mermaid.min.js`, import.meta.url)),
      });
      const source = toMermaid(machineGraph());
      const error = await page.evaluate(async (text) => {
        const api = (
          globalThis as unknown as {
            mermaid: { initialize(o: object): void; render(id: string, t: string): Promise<{ svg: string }> };
          }
        ).mermaid;
        api.initialize({ startOnLoad: false });
        try {
          const { svg } = await api.render('lifecycle', text);
          (document.getElementById('readme') as HTMLElement).innerHTML = svg;
          return null;
        } catch (e) {
          return String(e);
        }
      }, source);
      expect(error).toBeNull();
      const seen = await page.evaluate(readDiagram, '#readme');
      await page.screenshot({ path: `${output}${mermaid}.png`, fullPage: true });
      await page.close();

      for (const state of states) expect(seen.titles, `a box titled ${state}`).toContain(state);
      expect(seen.sizes.length).toBeGreaterThan(states.length);
      expect(seen.sizes[0]?.px, `smallest text: ${JSON.stringify(seen.sizes[0])}`).toBeGreaterThanOrEqual(
        READABLE_PX,
      );
    });
  }

  it(`svg at its own size: the state names are the box titles and no label is under ${READABLE_PX} px`, async () => {
    const file = `${output}machine.svg`;
    await writeFile(file, await toSvg(machineGraph()));
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(pathToFileURL(file).href);
    const seen = await page.evaluate(readDiagram, ':root');
    await page.close();
    expect(seen.titles.slice().sort()).toEqual(states.slice().sort());
    expect(seen.sizes[0]?.px, `smallest text: ${JSON.stringify(seen.sizes[0])}`).toBeGreaterThanOrEqual(
      READABLE_PX,
    );
  });
});
