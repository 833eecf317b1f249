/**
 * The placement map at scale, in Chromium: 500 hosts (10 clusters of 50, registered through the
 * API) holding 5,000 machines (seeded straight into the database: this measures the map, not
 * creating machines), and updates that come through the real engine: 10 machines created through
 * the API on the first hosts of the map (a chip appears) and 40 stops and starts of them (a chip
 * changes state), one after the other at irregular intervals so that some land while the map
 * reads its 5,000 machines again (it does so 1 s after each burst of changes). Each update is
 * timed from the engine's commit of the change the placementChanged event carries to the chip's
 * DOM update.
 */
import { hosts, machines, providerAccounts } from '@levante/db';
import { fromGlobalId, toGlobalId } from '@levante/domain';
import { eq } from 'drizzle-orm';
import { formatCount } from '../../../apps/web/src/lib/format.ts';
import { createBenchSite } from '../bench-site.ts';
import { percentile, sleep, summarize } from '../measure.ts';
import type { BenchmarkRow } from '../table.ts';
import { now, pageClockOffset } from './clocks.ts';
import type { ConsoleSite } from './console-site.ts';
import { followCommits } from './engine-commits.ts';
import { followShownStates } from './page-states.ts';
import { type TimedChange, timeChange } from './timed-change.ts';

const CLUSTERS = 10;
const HOSTS_PER_CLUSTER = 50;
const HOSTS = CLUSTERS * HOSTS_PER_CLUSTER;
const MACHINES = 5000;
const LIVE_MACHINES = 10;
/** The live machines go to the first hosts of the first cluster: the top of the map, on screen. */
const LIVE_HOSTS = 4;
const STATE_CHANGES = 40;
/** Pauses between updates, uniform up to this: sometimes more than the map's 1 s re-read delay. */
const MAX_PAUSE_MS = 1500;
const TARGET_P99_MS = 100;
const PREFIX = 'live-map-';

/** What the map reads again after each burst of changes (apps/web/src/graphql/placement.ts, HOSTS). */
const HOSTS_QUERY = `query ($locationId: ID) { hosts(locationId: $locationId) {
  id name providerId locationId location cluster hypervisor vcpus memoryMiB diskGiB
  cpuAllocationRatio ramAllocationRatio diskAllocationRatio allocatedVcpus allocatedMemoryMiB allocatedDiskGiB
  enabled maintenance up otherMachines machines { id name state projectId vcpus memoryMiB } } }`;
const REGISTER_HOST = 'mutation ($input: RegisterHostInput!) { registerHost(input: $input) { id } }';
const CREATE = 'mutation ($input: CreateMachineInput!) { createMachine(input: $input) { machine { id } } }';
const ACT = 'mutation ($input: MachineActionInput!) { machineAction(input: $input) { job { id } } }';

const hostName = (cluster: number, host: number) =>
  `map-c${String(cluster).padStart(2, '0')}-h${String(host).padStart(3, '0')}`;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function livePlacementMap(site: ConsoleSite): Promise<BenchmarkRow[]> {
  const { subject } = site;
  const db = subject.database.db;
  const bench = await createBenchSite(subject, 'console-map', 0);
  const [account] = await db
    .select()
    .from(providerAccounts)
    .where(eq(providerAccounts.id, fromGlobalId('ProviderAccount', bench.accountId)));
  const providerId = account!.providerId;

  subject.log(`placement map: registering ${HOSTS} hosts…`);
  let started = now();
  const names = Array.from({ length: HOSTS }, (_, i) =>
    hostName(Math.floor(i / HOSTS_PER_CLUSTER), i % HOSTS_PER_CLUSTER),
  );
  let nextHost = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (nextHost < names.length) {
        const name = names[nextHost++]!;
        await subject.http.request(
          REGISTER_HOST,
          {
            input: {
              providerId: toGlobalId('Provider', providerId),
              location: 'paris',
              cluster: name.slice(4, 7),
              name,
              hypervisor: 'KVM',
              vcpus: 64,
              memoryMiB: 512 * 1024,
              diskGiB: 4000,
            },
          },
          subject.apiToken,
        );
      }
    }),
  );

  subject.log(
    `placement map: ${HOSTS} hosts registered in ${Math.round(now() - started)} ms; seeding ${MACHINES} machines…`,
  );
  started = now();
  const hostRows = await db.select().from(hosts).where(eq(hosts.providerId, providerId));
  if (hostRows.length !== HOSTS) throw new Error(`expected ${HOSTS} hosts, found ${hostRows.length}`);
  const size = { vcpus: 2, memoryMiB: 4096, diskGiB: 40 };
  const perHost = MACHINES / HOSTS;
  for (let batch = 0; batch < MACHINES / 1000; batch++) {
    await db.insert(machines).values(
      Array.from({ length: 1000 }, (_, k) => {
        const i = batch * 1000 + k;
        return {
          projectId: fromGlobalId('Project', bench.projectId),
          accountId: account!.id,
          providerId,
          locationId: fromGlobalId('Location', bench.locationId),
          hostId: hostRows[i % HOSTS]!.id,
          name: `seed-${String(i).padStart(5, '0')}`,
          // Mostly running, some stopped, as a fleet is.
          state: i % 7 === 0 ? 'STOPPED' : 'STARTED',
          ...size,
          addresses: [`10.2.${Math.floor(i / 250)}.${i % 250}`],
        };
      }),
    );
  }
  await db
    .update(hosts)
    .set({
      allocatedVcpus: perHost * size.vcpus,
      allocatedMemoryMiB: perHost * size.memoryMiB,
      allocatedDiskGiB: perHost * size.diskGiB,
    })
    .where(eq(hosts.providerId, providerId));

  subject.log(`placement map: ${MACHINES} machines seeded in ${Math.round(now() - started)} ms`);
  const hostReadMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const sent = now();
    await subject.http.request(HOSTS_QUERY, { locationId: bench.locationId }, subject.apiToken);
    hostReadMs.push(now() - sent);
  }
  subject.log(
    `placement map: the map's hosts query takes ${percentile(hostReadMs, 50).toFixed(0)} ms (median of 5)`,
  );
  const liveHosts = names.slice(0, LIVE_HOSTS).map((name) => {
    const row = hostRows.find((h) => h.name === name)!;
    return { name, id: toGlobalId('Host', row.id) };
  });
  const commits = await followCommits(site.engine, site.admin);
  const context = await site.newContext({ width: 1440, height: 900 });
  try {
    const shown = await followShownStates(context, PREFIX);
    // How often the map reads every host again while it is measured (on a timer, after changes).
    let hostReads = 0;
    context.on('request', (request) => {
      if (request.url().endsWith('/graphql') && request.postData()?.includes('"operationName":"Hosts"'))
        hostReads += 1;
    });
    const page = await site.logIn(context);
    const opened = now();
    await page.goto(`${subject.url}/placement?location=${encodeURIComponent(bench.locationId)}`);
    await page
      .getByText(`${formatCount(HOSTS, 'host')} · ${formatCount(MACHINES, 'machine')}`, { exact: true })
      .waitFor({ timeout: 60_000 });
    for (const host of liveHosts)
      await page.locator(`[data-host="${host.name}"]`).waitFor({ timeout: 10_000 });
    subject.log(
      `placement map: ${HOSTS} hosts and ${MACHINES} machines drawn ${Math.round(now() - opened)} ms after navigating`,
    );
    const clock = await pageClockOffset(page);
    subject.log(
      `placement map: page clock ${clock.offsetMs.toFixed(2)} ms ahead of the server's (±${clock.errorMs.toFixed(2)} ms)`,
    );

    const readsBefore = hostReads;
    started = now();
    const random = prng(5);
    const pause = () => sleep(random() * MAX_PAUSE_MS);
    const appeared: TimedChange[] = [];
    const changed: TimedChange[] = [];
    const live: { name: string; id: string }[] = [];
    for (let i = 0; i < LIVE_MACHINES; i++) {
      const name = `${PREFIX}${i}`;
      const host = liveHosts[i % LIVE_HOSTS]!;
      let id = '';
      const shownBefore = shown.shown.length;
      appeared.push(
        await timeChange({
          commits,
          shown,
          clock,
          trigger: async () => {
            const { createMachine } = await subject.http.request<{
              createMachine: { machine: { id: string } };
            }>(CREATE, { input: { ...bench, hostId: host.id, name } }, subject.apiToken);
            id = createMachine.machine.id;
          },
          commit: (c) => c.type === 'machine.created' && c.name === name,
          shows: (s) => s.machine === name,
          what: `${name} placed on ${host.name}`,
        }),
      );
      // Started before it is stopped: the start is not timed, the map shows it all the same.
      await shown.next(shownBefore, (s) => s.machine === name && s.state === 'STARTED', `${name} started`);
      live.push({ name, id });
      await pause();
    }
    for (let j = 0; j < STATE_CHANGES; j++) {
      const machine = live[j % LIVE_MACHINES]!;
      const stop = Math.floor(j / LIVE_MACHINES) % 2 === 0;
      const target = stop ? 'STOPPED' : 'STARTED';
      changed.push(
        await timeChange({
          commits,
          shown,
          clock,
          trigger: async () => {
            await subject.http.request(
              ACT,
              { input: { machineId: machine.id, action: stop ? 'STOP' : 'START' } },
              subject.apiToken,
            );
          },
          commit: (c) => c.name === machine.name && c.state === target,
          shows: (s) => s.machine === machine.name && s.state === target,
          what: `${machine.name} ${target} on the map`,
        }),
      );
      await pause();
    }
    const after = await pageClockOffset(page);
    const drift = Math.abs(after.offsetMs - clock.offsetMs);
    if (drift > 2) throw new Error(`the page's clock drifted by ${drift.toFixed(2)} ms during the run`);

    const all = summarize([...appeared, ...changed].map((c) => c.latencyMs));
    const chips = summarize(appeared.map((c) => c.latencyMs));
    const states = summarize(changed.map((c) => c.latencyMs));
    subject.log(
      `placement map: ${all.count} updates, p50 ${all.p50.toFixed(1)} ms, p99 ${all.p99.toFixed(1)} ms, ` +
        `max ${all.max.toFixed(1)} ms (chip appearing: p50 ${chips.p50.toFixed(1)}, max ${chips.max.toFixed(1)}; ` +
        `state changing: p50 ${states.p50.toFixed(1)}, max ${states.max.toFixed(1)}); ` +
        `${hostReads - readsBefore} reads of every host meanwhile, in ${Math.round((now() - started) / 1000)} s`,
    );
    const scale = `${HOSTS} hosts, ${MACHINES.toLocaleString('en-US')} machines, ${all.count} updates, Chromium`;
    const name = (p: string) => `console: placement map update ${p} (${scale})`;
    return [
      { benchmark: name('p50'), database: subject.kind, value: all.p50, unit: 'ms' },
      {
        benchmark: name('p99'),
        database: subject.kind,
        value: all.p99,
        unit: 'ms',
        target: { op: '<', value: TARGET_P99_MS },
      },
    ];
  } finally {
    await context.close();
    await commits.close();
  }
}
