import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineGraph } from '../../spec/graph.js';
import { sessionMachine } from '../../spec/machine.js';
import { launchBrowser } from '../../test/browser.js';
import { toHtml } from './html.js';

const output = fileURLToPath(new URL('../../test-output/', import.meta.url));
// Expected states come from the machine's config, not from the graph the page is drawn from.
const states = Object.keys((sessionMachine.config as { states: Record<string, unknown> }).states);

describe('the HTML page in a real browser (VIS-1)', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    await mkdir(output, { recursive: true });
    const file = `${output}machine.html`;
    await writeFile(file, await toHtml(machineGraph()));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads nothing but the file itself (works offline, from file://)', () => {
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
  });

  it('shows every state of the machine in the diagram', async () => {
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) {
      const node = page.locator(`#diagram [id="state-${state}"]`);
      await expect.poll(() => node.isVisible(), { message: state }).toBe(true);
      expect(await node.textContent()).toContain(state);
    }
  });

  it('shows the rules of a transition when it is clicked (authenticate: LC-2, fixation)', async () => {
    const expected = machineGraph().transitions.find((t) => t.id === 'edge-anonymous-authenticate-0')?.rules;
    expect(expected).toContain('LC-2');
    await page.click('#edge-anonymous-authenticate-0 text');
    const shown = await page
      .locator('#selected-rules li')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.rule));
    expect(shown).toEqual(expected);
    expect(await page.textContent('#details')).toContain('anonymous → authenticated');
    expect(await page.textContent('#selected-rules')).toContain('rotates the secret');
  });

  it('shows the rules of an internal transition and of a state when clicked', async () => {
    await page.click('[id="edge-authenticated-access-3"] text');
    expect(await page.textContent('#details')).toContain('reuse');
    expect(await page.locator('#selected-rules li[data-rule="CC-6"]').count()).toBe(1);

    await page.click('[id="state-expired"]');
    expect(await page.textContent('#details')).toContain('expired (final)');
    expect(await page.locator('#selected-rules li[data-rule="LC-1"]').count()).toBe(1);
  });

  it('saves a screenshot with a transition selected', async () => {
    await page.click('#edge-anonymous-authenticate-0 text');
    const shot = await page.screenshot({ path: `${output}machine.png`, fullPage: true });
    expect(shot.length).toBeGreaterThan(10_000);
  });
});
