/**
 * Test helper: a real headless browser (Debian's chromium driven by `playwright-core`), for tests that
 * must see what a user sees.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian installs chromium (`apt-get install chromium`); CI installs it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Launches headless chromium with nothing that reaches the network on its own (no sync, updates or
 * background requests), so a page that needs the network shows it by failing.
 * @returns the browser; close it in the test's teardown.
 * @throws Error when chromium is not installed, saying how to install it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`browser tests need chromium at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\`.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
