import type { Actor } from '@levante/domain';
import type { Engine } from '@levante/engine';
import {
  type Browser,
  type BrowserContext,
  launchChromium,
  type Page,
} from '../../../apps/web/testing/chromium.ts';
import { ADMIN_PASSWORD, type LevanteUnderTest, levanteUnderTest } from '../../support/levante-under-test.ts';
import { graphqlHttpClient } from '../http-client.ts';
import { ADMIN_USERNAME, type BenchSubject } from '../subject.ts';

/** What the console benchmarks drive: Levante with its console, its engine, and Chromium. */
export interface ConsoleSite {
  /** The server, its API token and database, as the other benchmarks have them. */
  readonly subject: BenchSubject;
  /** The engine inside the server: its event bus tells when a change committed. */
  readonly engine: Engine;
  /** The platform admin, for the engine's own calls. */
  readonly admin: Actor;
  readonly browser: Browser;
  /** A fresh browser context (its own cookies and storage), for a page of this size. */
  newContext(viewport: { width: number; height: number }): Promise<BrowserContext>;
  /** A new page of `context`, logged in as the platform admin through the login page. */
  logIn(context: BrowserContext): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Levante in this process on PGlite, as the other benchmarks run it (so that the engine and the
 * database are at hand), serving the production console from `apps/web/.next`, which must be
 * built; and Debian's Chromium, headless.
 */
export async function openConsoleSite(): Promise<ConsoleSite> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const levante: LevanteUnderTest = await levanteUnderTest('pglite');
    closers.push(() => levante.destroy());
    const http = graphqlHttpClient(levante.url);
    closers.push(async () => http.close());
    const { login } = await http.request<{ login: { token: string } }>(
      'mutation ($input: LoginInput!) { login(input: $input) { token } }',
      { input: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD } },
    );
    const { createApiToken } = await http.request<{ createApiToken: { token: string } }>(
      'mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }',
      { input: { name: 'console benchmarks' } },
      login.token,
    );
    const running = levante.running!;
    const subject: BenchSubject = {
      kind: 'pglite',
      url: levante.url,
      http,
      sessionToken: login.token,
      apiToken: createApiToken.token,
      database: running.database,
      log: (message) => process.stderr.write(`[console] ${message}\n`),
    };
    const admin = await running.engine.auth.authenticate(createApiToken.token);
    const browser = await launchChromium();
    closers.push(() => browser.close());
    return {
      subject,
      engine: running.engine,
      admin,
      browser,
      newContext: (viewport) => browser.newContext({ viewport }),
      async logIn(context) {
        const page = await context.newPage();
        await page.goto(`${levante.url}/login`);
        await page.locator('input[name=username]').fill(ADMIN_USERNAME);
        await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.waitForURL(/\/machines$/, { timeout: 30_000 });
        return page;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
