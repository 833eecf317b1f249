/// <reference lib="dom" />
// Browser entry of the self-hosted GraphiQL page, bundled by graphiql-bundle.ts (never run by Node).
import 'graphiql/graphiql.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
import { createRoot } from 'react-dom/client';

interface PageConfig {
  endpoint: string;
  operations: { name: string; query: string }[];
}

function readConfig(): PageConfig {
  const element = document.getElementById('graphiql-config');
  const parsed: unknown = JSON.parse(element?.textContent || '{}');
  const config = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<PageConfig>;
  return {
    endpoint: typeof config.endpoint === 'string' ? config.endpoint : '/graphql',
    operations: Array.isArray(config.operations) ? config.operations : [],
  };
}

const config = readConfig();
const httpUrl = new URL(config.endpoint, window.location.href);
const wsUrl = new URL(httpUrl);
wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createGraphiQLFetcher({
  url: httpUrl.href,
  // The toolkit does not forward `credentials`; send the HTTP-only session cookie explicitly.
  fetch: (input, init) => window.fetch(input, { ...init, credentials: 'same-origin' }),
  // Lazy: the socket opens on the first subscription and carries the session cookie (same origin).
  wsClient: createClient({ url: wsUrl.href }),
});

const defaultTabs = config.operations.map(({ query }) => ({ query }));

const container = document.getElementById('graphiql');
if (container) {
  createRoot(container).render(
    <GraphiQL fetcher={fetcher} defaultTabs={defaultTabs.length > 0 ? defaultTabs : undefined} />,
  );
}
