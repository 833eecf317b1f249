// Browser tests drive the console in Debian's Chromium through playwright-core: no browser is
// ever downloaded. playwright-core is a dependency of the web app, so tests import it from here.
import { type Browser, chromium } from 'playwright-core';

export type { Browser, BrowserContext, Page, Request } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
