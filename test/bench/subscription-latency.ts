import { performance } from 'node:perf_hooks';
import type { Client } from 'graphql-ws';
import { wsClient } from '../support/graphql-client.ts';
import { sleep, summarize, waitFor } from './measure.ts';
import type { Benchmark, BenchSubject } from './subject.ts';
import type { BenchmarkRow } from './table.ts';

export interface SubscriptionLatencyOptions {
  /** WebSocket clients following the project, each on its own connection. */
  readonly subscribers: number;
  /** Measured `updateProject` mutations, sent one after another. */
  readonly mutations: number;
  /** Pause after each mutation's response. */
  readonly spacingMs: number;
}

const DEFAULTS: SubscriptionLatencyOptions = { subscribers: 100, mutations: 200, spacingMs: 5 };
const EVENTS = 'subscription ($id: ID!) { events(projectId: $id) { id type at after } }';
const CREATE_PROJECT =
  'mutation ($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }';
const UPDATE_PROJECT =
  'mutation ($input: UpdateProjectInput!) { updateProject(input: $input) { project { id } } }';

interface EventsData {
  events: { id: string; type: string; at: string; after: { description?: string | null } | null };
}

/**
 * Many WebSocket clients follow one project's events; each `updateProject` is
 * timed from just before it is sent to its event's arrival at every client,
 * all in this process with `performance.now()`.
 */
export function subscriptionLatency(options: Partial<SubscriptionLatencyOptions> = {}): Benchmark {
  const settings = { ...DEFAULTS, ...options };
  return (subject) => measure(subject, settings);
}

async function measure(subject: BenchSubject, options: SubscriptionLatencyOptions): Promise<BenchmarkRow[]> {
  const { subscribers, mutations } = options;
  const { createProject } = await subject.http.request<{ createProject: { project: { id: string } } }>(
    CREATE_PROJECT,
    { input: { name: `bench-events-${subscribers}-${Date.now()}` } },
    subject.apiToken,
  );
  const projectId = createProject.project.id;
  const update = (description: string) =>
    subject.http.request(UPDATE_PROJECT, { input: { id: projectId, description } }, subject.apiToken);

  const sentAt = new Map<string, number>();
  const deliveries: number[] = [];
  const warm = new Set<number>();
  const failures: unknown[] = [];
  const clients: Client[] = [];
  const unsubscribes: (() => void)[] = [];
  const throwIfFailed = () => {
    if (failures.length > 0) throw new Error(`subscription failed: ${describe(failures[0])}`);
  };
  try {
    for (let i = 0; i < subscribers; i++) {
      const client = wsClient(subject.url, { token: subject.apiToken });
      clients.push(client);
      unsubscribes.push(
        client.subscribe<EventsData>(
          { query: EVENTS, variables: { id: projectId } },
          {
            next: (result) => {
              const receivedAt = performance.now();
              if (result.errors?.length) failures.push(result.errors);
              warm.add(i);
              const sent = sentAt.get(result.data?.events.after?.description ?? '');
              if (sent !== undefined) deliveries.push(receivedAt - sent);
            },
            error: (error) => failures.push(error),
            complete: () => {},
          },
        ),
      );
    }

    // Every subscriber is listening once each has received a warm-up event.
    const warmupDeadline = performance.now() + 20_000;
    for (let k = 0; warm.size < subscribers; k++) {
      throwIfFailed();
      if (performance.now() > warmupDeadline)
        throw new Error(`only ${warm.size} of ${subscribers} subscribers received events`);
      await update(`warm-up ${k}`);
      await sleep(50);
    }
    subject.log(`${subscribers} subscribers listening`);

    const roundTrips: number[] = [];
    for (let i = 0; i < mutations; i++) {
      const description = `measured ${i}`;
      const start = performance.now();
      sentAt.set(description, start);
      await update(description);
      roundTrips.push(performance.now() - start);
      await sleep(options.spacingMs);
    }
    const expected = subscribers * mutations;
    await waitFor(
      () => {
        throwIfFailed();
        return deliveries.length >= expected;
      },
      `${expected} deliveries`,
      30_000,
    );
    const delivery = summarize(deliveries);
    const mutation = summarize(roundTrips);
    subject.log(
      `${delivery.count} deliveries: p50 ${delivery.p50.toFixed(1)} ms, p99 ${delivery.p99.toFixed(1)} ms, ` +
        `max ${delivery.max.toFixed(1)} ms; updateProject p50 ${mutation.p50.toFixed(1)} ms, ` +
        `p99 ${mutation.p99.toFixed(1)} ms`,
    );
    const name = (p: string) => `events subscription delivery latency ${p} (${subscribers} subscribers)`;
    const row = (benchmark: string, value: number): BenchmarkRow => ({
      benchmark,
      database: subject.kind,
      value,
      unit: 'ms',
    });
    return [
      row(name('p50'), delivery.p50),
      { ...row(name('p99'), delivery.p99), target: { op: '<', value: 50 } },
      row('  updateProject round-trip p50 (same run)', mutation.p50),
      row('  updateProject round-trip p99 (same run)', mutation.p99),
    ];
  } finally {
    for (const unsubscribe of unsubscribes) unsubscribe();
    await Promise.all(clients.map((client) => client.dispose()));
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error && 'reason' in error)
    return `WebSocket closed with ${String(error.code)} ${String(error.reason)}`;
  return JSON.stringify(error);
}
