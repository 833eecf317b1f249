import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { LevanteError } from '@levante/domain';
import { ENDED_WINDOW_MINUTES, type Engine, type PlatformSnapshot } from '@levante/engine';
import { type GraphQLError, Kind } from 'graphql';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Context } from '../graphql/context.ts';
import { tokenOf } from './request-credentials.ts';

export const METRICS_PATH = '/metrics';

/**
 * Prometheus metrics of one server: the process's own (CPU, memory, event
 * loop, GC), every GraphQL operation over HTTP (count and duration, by type,
 * root field and outcome), and, read at each scrape, the platform's machines,
 * unfinished jobs and host capacity. Scraping takes a platform admin's API
 * token (Prometheus's `authorization` setting): the figures name providers.
 */
export function createMetrics(engine: Engine) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'levante_' });
  const registers = [registry];
  const operations = new Counter({
    name: 'levante_graphql_operations_total',
    help: 'GraphQL operations answered over HTTP, by type, root field and outcome (ok or the error code).',
    labelNames: ['type', 'field', 'outcome'] as const,
    registers,
  });
  const durations = new Histogram({
    name: 'levante_graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation over HTTP to its answer, by type and root field.',
    labelNames: ['type', 'field'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const machines = new Gauge({
    name: 'levante_machines',
    help: 'Machines that are not DELETED, by provider and state.',
    labelNames: ['provider', 'state'] as const,
    registers,
  });
  const jobs = new Gauge({
    name: 'levante_jobs',
    help: 'Jobs waiting for their first attempt (queued), waiting for a retry after a failed one (retrying) or under way (running), by kind.',
    labelNames: ['kind', 'state'] as const,
    registers,
  });
  const endedJobs = new Gauge({
    name: 'levante_jobs_ended_recently',
    help: `Jobs that ended in the last ${ENDED_WINDOW_MINUTES} minutes, by kind and state (succeeded, failed, cancelled), whichever process ran them.`,
    labelNames: ['kind', 'state'] as const,
    registers,
  });
  const hosts = new Gauge({
    name: 'levante_hosts',
    help: 'Hosts of a location, and those in service (enabled, up, not in maintenance).',
    labelNames: ['provider', 'location', 'status'] as const,
    registers,
  });
  const capacity = new Gauge({
    name: 'levante_host_capacity',
    help: "A location's host capacity with allocation ratios (capacity), and what is promised to machines (allocated); vCPUs, MiB of memory, GiB of disk.",
    labelNames: ['provider', 'location', 'resource', 'kind'] as const,
    registers,
  });

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, errors }) {
          const type = operation?.operation ?? 'unknown';
          const first = operation?.selectionSet.selections[0];
          // Only a validated operation names its field: the label stays within the schema's fields.
          const field = first?.kind === Kind.FIELD ? first.name.value : 'unknown';
          operations.inc({ type, field, outcome: errors?.length ? outcomeOf(errors[0]!) : 'ok' });
          durations.observe({ type, field }, (performance.now() - started) / 1000);
        },
      };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = tokenOf(req, { allowCookie: false });
    if (!token)
      return refuse(res, 401, 'Scraping takes a platform admin API token (Authorization: Bearer …).');
    let snapshot: PlatformSnapshot;
    try {
      const { actor } = await engine.auth.authenticateWithProfile(token);
      snapshot = await engine.statistics.snapshot(actor);
    } catch (error) {
      if (!(error instanceof LevanteError)) throw error;
      return refuse(res, error.code === 'FORBIDDEN' ? 403 : 401, error.message);
    }
    for (const gauge of [machines, jobs, endedJobs, hosts, capacity]) gauge.reset();
    for (const row of snapshot.machines)
      machines.set({ provider: row.provider, state: row.state }, row.count);
    for (const row of snapshot.jobs) jobs.set({ kind: row.kind, state: row.state }, row.count);
    for (const row of snapshot.endedJobs) endedJobs.set({ kind: row.kind, state: row.state }, row.count);
    for (const row of snapshot.hosts) {
      const where = { provider: row.provider, location: row.location };
      hosts.set({ ...where, status: 'all' }, row.hosts);
      hosts.set({ ...where, status: 'in_service' }, row.inService);
      for (const [resource, total, allocated] of [
        ['vcpus', row.vcpus, row.allocatedVcpus],
        ['memory_mib', row.memoryMiB, row.allocatedMemoryMiB],
        ['disk_gib', row.diskGiB, row.allocatedDiskGiB],
      ] as const) {
        capacity.set({ ...where, resource, kind: 'capacity' }, total);
        capacity.set({ ...where, resource, kind: 'allocated' }, allocated);
      }
    }
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(await registry.metrics());
  }

  return { plugin, handle };
}

/** An error's code: Levante's own before the formatter has added it, else GraphQL's, else "error". */
function outcomeOf(error: GraphQLError): string {
  if (error.originalError instanceof LevanteError) return error.originalError.code;
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'error';
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}
