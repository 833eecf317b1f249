/**
 * Time from a machine's state change committed in the engine to the inventory page showing it,
 * in Chromium: one machine on the simulator with no delays, stopped and started again through
 * the API, 100 changes one after the other. Each change is timed from the commit of the state it
 * leads to (STOPPED, STARTED) to the DOM update of the row's state badge; the transitional state
 * (STOPPING, STARTING) is committed before it and is shown or not, as it happens.
 */

import { createBenchSite } from '../bench-site.ts';
import { sleep, summarize } from '../measure.ts';
import type { BenchmarkRow } from '../table.ts';
import { pageClockOffset } from './clocks.ts';
import type { ConsoleSite } from './console-site.ts';
import { followCommits } from './engine-commits.ts';
import { followShownStates } from './page-states.ts';
import { type TimedChange, timeChange } from './timed-change.ts';

const CHANGES = 100;
const MACHINE = 'live-inventory-1';
const TARGET_P99_MS = 500;

const CREATE = 'mutation ($input: CreateMachineInput!) { createMachine(input: $input) { machine { id } } }';
const ACT = 'mutation ($input: MachineActionInput!) { machineAction(input: $input) { job { id } } }';

export async function liveInventory(site: ConsoleSite): Promise<BenchmarkRow[]> {
  const { subject } = site;
  const bench = await createBenchSite(subject, 'console-inventory', 1);
  const commits = await followCommits(site.engine, site.admin);
  try {
    const { createMachine } = await subject.http.request<{ createMachine: { machine: { id: string } } }>(
      CREATE,
      { input: { ...bench, name: MACHINE } },
      subject.apiToken,
    );
    const machineId = createMachine.machine.id;
    await commits.next(0, (c) => c.name === MACHINE && c.state === 'STARTED', `${MACHINE} to start`);

    const context = await site.newContext({ width: 1280, height: 800 });
    const shown = await followShownStates(context, 'live-');
    const page = await site.logIn(context);
    await page.locator('#project-select').selectOption(bench.projectId);
    await shown.next(
      0,
      (s) => s.machine === MACHINE && s.state === 'STARTED',
      `the inventory to list ${MACHINE}`,
    );
    const clock = await pageClockOffset(page);
    subject.log(
      `inventory: page clock ${clock.offsetMs.toFixed(2)} ms ahead of the server's (±${clock.errorMs.toFixed(2)} ms)`,
    );

    const changes: TimedChange[] = [];
    let transitionalShown = 0;
    for (let i = 0; i < CHANGES; i++) {
      const stop = i % 2 === 0;
      const target = stop ? 'STOPPED' : 'STARTED';
      const shownBefore = shown.shown.length;
      changes.push(
        await timeChange({
          commits,
          shown,
          clock,
          trigger: async () => {
            await subject.http.request(
              ACT,
              { input: { machineId, action: stop ? 'STOP' : 'START' } },
              subject.apiToken,
            );
          },
          commit: (c) => c.name === MACHINE && c.state === target,
          shows: (s) => s.machine === MACHINE && s.state === target,
          what: `${MACHINE} ${target} (change ${i + 1})`,
        }),
      );
      const transitional = stop ? 'STOPPING' : 'STARTING';
      if (shown.shown.slice(shownBefore).some((s) => s.machine === MACHINE && s.state === transitional))
        transitionalShown += 1;
      await sleep(20);
    }
    const after = await pageClockOffset(page);
    const drift = Math.abs(after.offsetMs - clock.offsetMs);
    if (drift > 2) throw new Error(`the page's clock drifted by ${drift.toFixed(2)} ms during the run`);

    const latency = summarize(changes.map((c) => c.latencyMs));
    subject.log(
      `inventory: ${latency.count} changes, p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, ` +
        `max ${latency.max.toFixed(1)} ms; transitional state shown ${transitionalShown} times of ${CHANGES}`,
    );
    await context.close();
    const name = (p: string) => `console: state change → inventory row, ${p} (${CHANGES} changes, Chromium)`;
    return [
      { benchmark: name('p50'), database: subject.kind, value: latency.p50, unit: 'ms' },
      {
        benchmark: name('p99'),
        database: subject.kind,
        value: latency.p99,
        unit: 'ms',
        target: { op: '<', value: TARGET_P99_MS },
      },
    ];
  } finally {
    await commits.close();
  }
}
