import type { ExampleOperation } from './example-operations.ts';

/** Configuration handed to the browser entry through the `#graphiql-config` JSON element. */
export interface GraphiqlPageConfig {
  /** Path (or same-origin URL) of the GraphQL endpoint, e.g. `/graphql`. */
  endpoint: string;
  /** Example operations, one GraphiQL tab each. */
  operations: ExampleOperation[];
}

export const GRAPHIQL_CONFIG_ELEMENT_ID = 'graphiql-config';

/**
 * Serializes a value as JSON safe to embed in an HTML `<script>` element: `<` is escaped so that
 * `</script>` or `<!--` inside a string cannot end the element, and U+2028/U+2029 are escaped too.
 */
export function serializeJsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Renders the GraphiQL HTML document; scripts and styles are served from `/graphiql/app.{js,css}`. */
export function renderGraphiqlPage({ endpoint, operations }: GraphiqlPageConfig): string {
  const config: GraphiqlPageConfig = {
    endpoint,
    operations: operations.map(({ name, query }) => ({ name, query })),
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Levante GraphiQL</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/graphiql/app.css" />
    <script id="${GRAPHIQL_CONFIG_ELEMENT_ID}" type="application/json">${serializeJsonForScript(config)}</script>
    <script src="/graphiql/app.js" defer></script>
  </head>
  <body>
    <div id="graphiql"></div>
    <noscript>GraphiQL needs JavaScript.</noscript>
  </body>
</html>
`;
}
