// Headless Chromium (Debian's package) driven by playwright-core.
//
//   const browser = await launchBrowser();
//   const page = await (await browser.newContext()).newPage();
//   …; await browser.close();

import { existsSync } from 'node:fs';

import { chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** True when the Chromium binary is installed (tests can skip with a clear reason otherwise). */
export function hasChromium() {
  return existsSync(chromiumPath);
}

/** @param {import('playwright-core').LaunchOptions} [options] */
export async function launchBrowser(options = {}) {
  if (!hasChromium()) {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: chromiumArgs,
    timeout: 30_000,
    ...options,
  });
}
