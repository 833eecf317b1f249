import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExampleOperations } from '../example-operations.ts';
import { createGraphiqlHandler } from '../graphiql.handler.ts';
import { renderGraphiqlPage } from '../graphiql-page.ts';

const LIST_QUERY = 'query ListServers {\n  servers {\n    id\n  }\n}\n';
const SNEAKY_QUERY = 'mutation Login {\n  # </script><script>alert(1)</script>\n  login(email: "a@b.c")\n}\n';

function readConfig(html: string): { endpoint: string; operations: { name: string; query: string }[] } {
  const match = /<script id="graphiql-config" type="application\/json">(.*?)<\/script>/s.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

describe('GraphiQL page', () => {
  let dir: string;
  let server: Server;
  let baseUrl: string;
  const handled: boolean[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'levante-graphiql-'));
    await writeFile(join(dir, '02-login.graphql'), SNEAKY_QUERY);
    await writeFile(join(dir, '01-list-servers.graphql'), LIST_QUERY);
    await writeFile(join(dir, 'notes.txt'), 'not an operation');

    const handler = createGraphiqlHandler({ endpoint: '/graphql', operationsDir: dir });
    server = createServer((req, res) => {
      handler(req, res).then(
        (wasHandled) => {
          handled.push(wasHandled);
          if (!wasHandled) {
            res.statusCode = 404;
            res.end('fell through');
          }
        },
        (error: unknown) => {
          res.statusCode = 500;
          res.end(String(error));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    await rm(dir, { recursive: true, force: true });
  });

  it('loads example operations sorted by file name', async () => {
    expect(await loadExampleOperations(dir)).toEqual([
      { name: '01-list-servers', query: LIST_QUERY },
      { name: '02-login', query: SNEAKY_QUERY },
    ]);
    expect(await loadExampleOperations(join(dir, 'missing'))).toEqual([]);
  });

  it('serves the HTML page with the escaped config', async () => {
    const response = await fetch(`${baseUrl}/graphiql`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain('<title>Levante GraphiQL</title>');
    expect(html).toContain('<link rel="stylesheet" href="/graphiql/app.css" />');
    expect(html).toContain('<script src="/graphiql/app.js" defer></script>');

    // Only the page's own </script> tags: the one in the operation is escaped.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('\\u003c/script\\u003e');

    expect(readConfig(html)).toEqual({
      endpoint: '/graphql',
      operations: [
        { name: '01-list-servers', query: LIST_QUERY },
        { name: '02-login', query: SNEAKY_QUERY },
      ],
    });
  });

  it('serves the page for a trailing slash and ignores the query string', async () => {
    const response = await fetch(`${baseUrl}/graphiql/?tab=1`);
    expect(response.status).toBe(200);
    expect(readConfig(await response.text()).operations).toHaveLength(2);
    expect(readConfig(renderGraphiqlPage({ endpoint: '/api/graphql', operations: [] }))).toEqual({
      endpoint: '/api/graphql',
      operations: [],
    });
  });

  it('serves the bundled GraphiQL JS and CSS', { timeout: 60_000 }, async () => {
    const [js, css] = await Promise.all([
      fetch(`${baseUrl}/graphiql/app.js`),
      fetch(`${baseUrl}/graphiql/app.css`),
    ]);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toBe('no-cache');
    const jsText = await js.text();
    expect(jsText.length).toBeGreaterThan(100_000);
    expect(jsText).toContain('graphiql-container');
    expect(jsText).not.toMatch(/process\.env\.NODE_ENV/);

    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const cssText = await css.text();
    expect(cssText.length).toBeGreaterThan(10_000);
    expect(cssText).toContain('.graphiql-container');

    const etag = js.headers.get('etag');
    expect(etag).toBeTruthy();
    const revalidated = await fetch(`${baseUrl}/graphiql/app.js?v=1`, {
      headers: { 'if-none-match': etag! },
    });
    expect(revalidated.status).toBe(304);
  });

  it('falls through for other paths and methods', async () => {
    handled.length = 0;
    const other = await fetch(`${baseUrl}/graphql`);
    expect(other.status).toBe(404);
    expect(await other.text()).toBe('fell through');
    const post = await fetch(`${baseUrl}/graphiql`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(404);
    const missingAsset = await fetch(`${baseUrl}/graphiql/other.js`);
    expect(missingAsset.status).toBe(404);
    expect(handled).toEqual([false, false, false]);
  });
});
