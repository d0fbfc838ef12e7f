/**
 * The example shop in a real browser (headless chromium): log in, fill the cart, log out, and end one
 * session from another.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMemoryStore } from '../../adapters/memory/index.js';
import { createSessionManager } from '../../src/index.js';
import { launchBrowser } from '../../test/browser.js';
import { createApp } from './app.js';

const OUTPUT = 'test-output';
let browser: Browser;
let server: Server;
let base: string;

beforeAll(async () => {
  const manager = createSessionManager({ store: createMemoryStore({ sweepEvery: false }) });
  server = createApp({ manager, insecureDevelopmentCookie: true }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  mkdirSync(OUTPUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('LC-5: log in, fill the cart, set a profile, log out: the cart survives, the profile is gone', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base);
  await expect.poll(() => page.textContent('#who')).toBe('Not signed in');
  await page.getByRole('button', { name: 'Add pear' }).click();
  const anonymous = (await context.cookies()).find((c) => c.name === 'sid')?.value;
  // Passport (passport-local): a wrong password is refused, the right one logs in and rotates the token.
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect.poll(() => page.textContent('#failed')).toBe('Wrong username or password.');
  expect(await page.textContent('#who')).toBe('Not signed in');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('alice-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect.poll(() => page.textContent('#who')).toBe('Signed in as alice');
  expect((await context.cookies()).find((c) => c.name === 'sid')?.value).not.toBe(anonymous);
  await page.getByRole('button', { name: 'Add apple' }).click();
  await page.getByRole('button', { name: 'Add plum' }).click();
  await page.getByLabel('Display name').fill('Alice Liddell');
  await page.getByRole('button', { name: 'Save profile' }).click();
  expect(await page.textContent('#profile')).toContain('Alice Liddell');
  expect(await page.locator('#cart li').allTextContents()).toEqual(['pear', 'apple', 'plum']);
  const cookie = (await context.cookies()).find((c) => c.name === 'sid');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', expires: -1 });

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect.poll(() => page.textContent('#who')).toBe('Not signed in');
  expect(await page.locator('#cart li').allTextContents()).toEqual(['pear', 'apple', 'plum']);
  expect(await page.content()).not.toContain('Alice Liddell');
  await page.screenshot({ path: `${OUTPUT}/express-app-after-logout.png`, fullPage: true });
  await context.close();
});

test('LC-9: two browsers of one user; one ends the other, then all others', async () => {
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  const login = async (context: typeof laptop, device: string) => {
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill('bob-password');
    await page.getByLabel('Device name').fill(device);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.textContent('#who')).toBe('Signed in as bob');
    return page;
  };
  const onLaptop = await login(laptop, 'laptop');
  const onPhone = await login(phone, 'phone');

  await onPhone.goto(`${base}/sessions`);
  expect(await onPhone.locator('#sessions tr[data-device]').count()).toBe(2);
  await onPhone.screenshot({ path: `${OUTPUT}/express-app-sessions.png`, fullPage: true });
  await onPhone.locator('tr[data-device="laptop"]').getByRole('button', { name: 'Log out this one' }).click();
  expect(await onPhone.locator('#sessions tr[data-device]').count()).toBe(1);
  await onLaptop.reload();
  await expect.poll(() => onLaptop.textContent('#who')).toBe('Not signed in');
  await onPhone.goto(base);
  expect(await onPhone.textContent('#who')).toBe('Signed in as bob');

  // Log the laptop in again; "log out all other sessions" from the phone ends it once more.
  await onLaptop.getByLabel('Username').fill('bob');
  await onLaptop.getByLabel('Password').fill('bob-password');
  await onLaptop.getByLabel('Device name').fill('laptop');
  await onLaptop.getByRole('button', { name: 'Log in' }).click();
  await expect.poll(() => onLaptop.textContent('#who')).toBe('Signed in as bob');
  await onPhone.goto(`${base}/sessions`);
  await onPhone.getByRole('button', { name: 'Log out all other sessions' }).click();
  expect(await onPhone.locator('#sessions tr[data-device]').count()).toBe(1);
  await onLaptop.reload();
  await expect.poll(() => onLaptop.textContent('#who')).toBe('Not signed in');
  await laptop.close();
  await phone.close();
});

test('SEC-7: login CSRF with the default options: a cross-site form posting credentials is refused', async () => {
  // The attacker's page is another site (localhost is not 127.0.0.1): its form would log the victim into
  // the attacker's account.
  const attacker = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<form method="post" action="${base}/login"><input name="username" value="bob">
      <input name="password" value="bob-password"></form>`);
  }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => attacker.once('listening', resolve));
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/login`),
      page.evaluate(() => document.forms[0]!.submit()),
    ]);
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain('crossSiteCheck');
    await page.goto(base);
    expect(await page.textContent('#who')).toBe('Not signed in');
  } finally {
    await context.close();
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
  }
});

test('SEC-7: a form posted from another origin is refused with 403', async () => {
  // Another origin on the same host (another port): Sec-Fetch-Site says same-site, not same-origin.
  const attacker = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<form method="post" action="${base}/cart"><input name="item" value="apple"></form>`);
  }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => attacker.once('listening', resolve));
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/cart`),
      page.evaluate(() => document.forms[0]!.submit()),
    ]);
    expect(response.status()).toBe(403);
  } finally {
    await context.close();
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
  }
});
