import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialTransition, type SnapshotFrom, transition } from 'xstate';
import { machineEvent } from '../../conformance/lifecycle/steps.js';
import { machineGraph } from '../../spec/graph.js';
import { type SessionEvent, sessionMachine } from '../../spec/machine.js';
import { launchBrowser } from '../../test/browser.js';
import { readDiagram } from '../../test/visualize/rendered.js';
import { lifecycleFailureReport } from '../../test/visualize/report.js';
import { toHtml } from './html.js';
import { SIM_EVENTS, SIM_POLICY, SIM_T0, simHash } from './simulator.js';
import { traceFromReport } from './trace.js';

const output = fileURLToPath(new URL('../../test-output/', import.meta.url));
// Expected states come from the machine's config, not from the graph the page is drawn from.
const states = Object.keys((sessionMachine.config as { states: Record<string, unknown> }).states);
const MINUTE = 60_000;
type Snapshot = SnapshotFrom<typeof sessionMachine>;

/** What the page's panels show. */
async function panels(page: Page) {
  return page.evaluate(() => {
    const text = (id: string) => document.getElementById(id)?.textContent ?? '';
    const record = document.getElementById('record');
    return {
      state: text('sim-state-name'),
      id: text('token-id'),
      secret: text('token-secret'),
      cookie: text('token-cookie'),
      browser: JSON.parse(text('bucket-browser')) as Record<string, unknown>,
      user: JSON.parse(text('bucket-user')) as Record<string, unknown>,
      recordStatus: record?.dataset.status,
      record:
        record?.dataset.status === 'stored' ? (JSON.parse(text('record')) as Record<string, unknown>) : null,
      audit: Array.from(document.querySelectorAll<HTMLElement>('#audit li')).map((li) => li.dataset.event),
      buttons: Array.from(document.querySelectorAll<HTMLElement>('#sim-buttons button')).map(
        (b) => b.dataset.action,
      ),
      idlePassed: document.getElementById('deadline-idle')?.dataset.passed,
      trace: (document.getElementById('trace') as HTMLTextAreaElement).value,
    };
  });
}

/** The same session stepped by the test itself with xstate's `transition()`: the expectations. */
class Expected {
  snapshot: Snapshot;
  audit: string[] = [];
  constructor(secretHash: string) {
    const [s, actions] = initialTransition(sessionMachine, {
      now: SIM_T0,
      secretHash,
      idleTimeout: SIM_POLICY.idleTimeout,
      absoluteTimeout: SIM_POLICY.absoluteTimeout,
      persistent: SIM_POLICY.persistent,
    });
    this.snapshot = s;
    this.record(actions);
  }
  send(event: SessionEvent): void {
    const [s, actions] = transition(sessionMachine, this.snapshot, event);
    this.snapshot = s;
    this.record(actions);
  }
  private record(actions: readonly { type: string; params?: unknown }[]): void {
    for (const a of actions) if (a.type === 'audit') this.audit.push((a.params as { event: string }).event);
  }
  /** The simulator's buttons the machine takes now: those whose event the state's config declares. */
  enabled(): string[] {
    const config = sessionMachine.config as { states: Record<string, { on?: Record<string, unknown> }> };
    const on = config.states[String(this.snapshot.value)]?.on ?? {};
    return SIM_EVENTS.filter((b) => b.event !== null && Object.hasOwn(on, b.event)).map((b) => b.id);
  }
}

function authenticate(now: number, userId: string, secretHash: string): SessionEvent {
  const p = SIM_POLICY;
  return {
    type: 'authenticate',
    now,
    userId,
    secretHash,
    absoluteTimeout: p.absoluteTimeout,
    idleTimeout: p.idleTimeout,
    persistent: p.persistent,
    freshFor: p.freshFor,
  };
}

describe('the HTML page in a real browser (VIS-1)', () => {
  let browser: Browser;
  let page: Page;
  let file = '';
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    await mkdir(output, { recursive: true });
    file = `${output}machine.html`;
    await writeFile(file, await toHtml(machineGraph()));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads nothing but the file itself (works offline, from file://) and runs without errors', () => {
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('titles every state box with the state name, and no diagram text is under 11 px', async () => {
    const seen = await page.evaluate(readDiagram, '#canvas');
    expect(seen.titles.slice().sort()).toEqual(states.slice().sort());
    expect(seen.sizes[0]?.px).toBeGreaterThanOrEqual(11);
  });

  it('shows the rules of an edge, of a line in a state box and of a state when clicked', async () => {
    const edge = machineGraph().transitions.find(
      (t) => t.source === 'anonymous' && t.event === 'authenticate',
    );
    expect(edge?.rules).toContain('LC-2');
    await page.click('#edge-anonymous-authenticated text');
    const shown = await page
      .locator('#selected-rules li')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.rule));
    expect(shown).toEqual(edge?.rules);
    expect(await page.textContent('#details')).toContain('user bucket wiped');

    await page.click('[id="line-authenticated-0"] text');
    expect(await page.textContent('#details')).toContain('reuse');
    expect(await page.locator('#selected-rules li[data-rule="CC-6"]').count()).toBe(1);

    await page.click('[id="state-expired"]');
    expect(await page.textContent('#details')).toContain('expired (final)');
  });

  it('simulates a login, a rotation with grace, a logout and an idle expiry, each panel as the machine says (LC-2, LC-4, CC-6, LC-5, LC-7, LC-6)', async () => {
    await page.click('#reset');
    const first = await panels(page);
    const expected = new Expected(simHash(first.secret));
    const sessionId = first.id;
    let clock = 0;
    let secrets = new Set([first.secret]);

    /** One step on the page, the same on the test's machine, then every panel compared. */
    const act = async (
      action: string,
      event: ((now: number, hash: string) => SessionEvent) | null,
      how: 'click' | 'key' = 'click',
    ) => {
      const before = await panels(page);
      expect(before.buttons, `${action} offered`).toContain(action);
      if (how === 'click') await page.click(`#sim-buttons button[data-action="${action}"]`);
      else {
        await page.focus(`#sim-buttons button[data-action="${action}"]`);
        await page.keyboard.press('Enter');
      }
      const after = await panels(page);
      if (event !== null) expected.send(event(SIM_T0 + clock, simHash(after.secret)));
      const s = expected.snapshot;
      expect(after.state, action).toBe(String(s.value));
      expect(after.id, 'the session id never changes (ID-1)').toBe(sessionId);
      expect(after.audit).toEqual(expected.audit);
      if (after.recordStatus === 'stored') {
        expect(after.record).toEqual({ ...s.context, data: { browser: after.browser, user: after.user } });
        expect(s.context.secretHash, 'the record holds the hash of the secret in the cookie').toBe(
          simHash(after.secret),
        );
      }
      if (s.status !== 'done')
        expect(after.buttons.filter((b) => !b?.startsWith('write-'))).toEqual(expected.enabled());
      else expect(after.buttons).toEqual([]);
      return { before, after };
    };
    const setClock = async (minutes: number) => {
      clock = minutes * MINUTE;
      await page.locator('#clock').fill(String(minutes));
      expect(await page.textContent('#clock-text')).toContain(`${minutes % 60} min`);
    };

    await act('write-browser', null);
    // Login: a new secret (fixation defence), the browser bucket kept, an empty user bucket (LC-2).
    const login = await act('authenticate-alice', (now, h) => authenticate(now, 'alice', h));
    expect(login.after.secret).not.toBe(login.before.secret);
    expect(login.after.browser).toEqual(login.before.browser);
    expect(login.after.user).toEqual({});
    secrets.add(login.after.secret);
    await act('write-user', null);

    // Rotation with grace: a new secret, data kept; the previous one still works for a while (LC-4, CC-6).
    await setClock(20);
    const rotation = await act('rotate', (now, h) => ({
      type: 'rotate',
      now,
      secretHash: h,
      graceMs: SIM_POLICY.graceMs,
    }));
    expect(rotation.after.secret).not.toBe(rotation.before.secret);
    expect(secrets.has(rotation.after.secret)).toBe(false);
    secrets = new Set([...secrets, rotation.after.secret]);
    expect(rotation.after.user).toEqual(rotation.before.user);
    expect(await page.textContent('#token-previous')).toContain('grace');
    await setClock(21);
    const grace = await act('access-previous', (now) => ({
      type: 'access',
      now,
      presented: 'previous',
      touchAfter: SIM_POLICY.touchAfter,
      endOnReuse: false,
    }));
    expect(grace.after.state).toBe('authenticated');
    expect(grace.after.secret).toBe(rotation.after.secret);

    // Logout, from the keyboard: a new secret, the user bucket wiped, the browser bucket kept (LC-5).
    await setClock(25);
    const logout = await act('logout', (now, h) => ({ type: 'logout', now, secretHash: h }), 'key');
    expect(logout.after.user).toEqual({});
    expect(logout.after.browser).toEqual(logout.before.browser);
    expect(logout.after.secret).not.toBe(logout.before.secret);

    // Idle expiry: the deadline passes on the clock, and the next access expires the session (LC-7, LC-6).
    const idle = expected.snapshot.context.lastSeenAt + SIM_POLICY.idleTimeout - SIM_T0;
    await setClock(idle / MINUTE - 1);
    expect((await panels(page)).idlePassed).toBe('false');
    await setClock(idle / MINUTE);
    const passed = await panels(page);
    expect(passed.idlePassed).toBe('true');
    expect(passed.state).toBe('anonymous');
    const expiry = await act('access-current', (now) => ({
      type: 'access',
      now,
      presented: 'current',
      touchAfter: SIM_POLICY.touchAfter,
      endOnReuse: false,
    }));
    expect(expiry.after.state).toBe('expired');
    expect(expiry.after.recordStatus).toBe('deleted');
    expect(expiry.after.cookie).toContain('cleared');
    expect(await page.locator('#diagram .current').getAttribute('id')).toBe('state-expired');
    expect(await page.locator('#diagram .taken').getAttribute('id')).toBe('edge-live-expired');

    // The trace runs as a test: on the machine itself, with vitest's expect.
    const body = expiry.after.trace.replace(/^import .*$/gm, '');
    const run = new Function('initialTransition', 'transition', 'sessionMachine', 'expect', 'test', body);
    let ran = 0;
    run(initialTransition, transition, sessionMachine, expect, (_: string, fn: () => void) => {
      fn();
      ran++;
    });
    expect(ran).toBe(1);
    expect(expiry.after.trace).toContain('expect(s.value).toBe("expired")');
  });

  it('pans and zooms the diagram with buttons, keys and the mouse', async () => {
    const zoom = () => page.locator('#diagram').getAttribute('data-zoom').then(Number);
    const fit = await zoom();
    await page.click('#zoom-in');
    expect(await zoom()).toBeGreaterThan(fit);
    await page.focus('#diagram');
    await page.keyboard.press('0');
    expect(await zoom()).toBeCloseTo(fit, 2);
    await page.keyboard.press('-');
    expect(await zoom()).toBeLessThan(fit);
    const before = await page.locator('#canvas').evaluate((e) => (e as HTMLElement).style.transform);
    await page.keyboard.press('ArrowLeft');
    const box = await page.locator('#diagram').boundingBox();
    if (box === null) throw new Error('the diagram is not visible');
    await page.mouse.move(box.x + 50, box.y + 50);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + 90, { steps: 4 });
    await page.mouse.up();
    expect(await page.locator('#canvas').evaluate((e) => (e as HTMLElement).style.transform)).not.toBe(
      before,
    );
    await page.keyboard.press('0');
  });

  for (const width of [1280, 800]) {
    it(`at ${width} px: no sideways scrolling, the diagram readable, a screenshot`, async () => {
      const p = await browser.newPage({ viewport: { width, height: 1000 } });
      await p.goto(pathToFileURL(file).href);
      await p.click('#sim-buttons button[data-action="write-browser"]');
      await p.click('#sim-buttons button[data-action="authenticate-alice"]');
      await p.locator('#clock').fill('20');
      await p.click('#sim-buttons button[data-action="rotate"]');
      await p.evaluate(() => window.scrollTo(0, 0));
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const seen = await p.evaluate(readDiagram, '#canvas');
      expect(seen.titles.slice().sort()).toEqual(states.slice().sort());
      expect(seen.sizes[0]?.px).toBeGreaterThanOrEqual(11);
      // The diagram and the simulator's state and events: the first screen at 1280 px, the first two at 800.
      const height = width < 1000 ? 1500 : 1000;
      const shot = await p.screenshot({
        path: `${output}lifecycle-${width}.png`,
        fullPage: true,
        clip: { x: 0, y: 0, width, height },
      });
      expect(shot.length).toBeGreaterThan(10_000);
      await p.close();
    });
  }

  it('--trace: steps through a failure the kit reported, as the machine says each step should go (CK-4, CK-9)', async () => {
    const trace = traceFromReport(JSON.parse(JSON.stringify(await lifecycleFailureReport())));
    const traced = `${output}machine-trace.html`;
    await writeFile(traced, await toHtml(machineGraph(), { trace }));
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    await p.goto(pathToFileURL(traced).href);
    expect(await p.locator('#replay-steps li').count()).toBe(trace.steps.length);

    // The expectations: the kit's own events for each step, on the machine, stepped here.
    const config = trace.config;
    let [s, actions] = initialTransition(sessionMachine, {
      now: config.t0,
      secretHash: 'h0',
      idleTimeout: config.policy.idleTimeout,
      absoluteTimeout: config.policy.absoluteTimeout,
      persistent: false,
    });
    const audit = actions.filter((a) => a.type === 'audit').map((a) => (a.params as { event: string }).event);
    for (const step of trace.steps) {
      await p.click('#replay-next');
      [s, actions] = transition(sessionMachine, s, machineEvent(step, s.context, trace.run));
      audit.push(
        ...actions.filter((a) => a.type === 'audit').map((a) => (a.params as { event: string }).event),
      );
      const shown = await panels(p);
      expect(shown.state, step.op).toBe(String(s.value));
      expect(shown.audit).toEqual(audit);
      if (shown.record !== null) {
        const { secretHash: _a, previousHash: _b, data: _c, ...rest } = shown.record;
        const { secretHash: _d, previousHash: _e, ...want } = s.context;
        expect(rest).toEqual(want);
      }
    }
    expect(await p.locator('#replay-next').isDisabled()).toBe(true);
    expect(pageErrors).toEqual([]);
    await p.close();
  });
});
