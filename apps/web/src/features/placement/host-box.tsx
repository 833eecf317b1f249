'use client';

import { memo } from 'react';
import { stateTone } from '@/components/state-badge';
import type { Host, HostMachine } from '@/graphql/placement';
import { formatCount, percent, projectColour } from '@/lib/format';

/** Up to this many machines, chips carry names; more, and they become dots. */
const LABELLED_UP_TO = 9;
/** Dots shown at most in one box (the rest is counted). */
const DOTS_UP_TO = 96;

export const HOST_HEIGHT = 168;

function Bar({ label, used, total, text }: { label: string; used: number; total: number; text: string }) {
  const p = percent(used, total);
  return (
    <>
      <span>{label}</span>
      <span className={`host-bar${p >= 100 ? ' full' : p >= 80 ? ' high' : ''}`}>
        <span style={{ width: `${p}%` }} />
      </span>
      <span>{text}</span>
    </>
  );
}

function Chip(props: {
  machine: HostMachine;
  labelled: boolean;
  highlighted: boolean;
  onOpen: (id: string) => void;
}) {
  const { machine } = props;
  const label = `${machine.name}, ${machine.state}${machine.projectName ? `, project ${machine.projectName}` : ''}`;
  return (
    <button
      type="button"
      className={`chip chip-${stateTone(machine.state)}${props.labelled ? '' : ' chip-dot'}${props.highlighted ? ' chip-highlight' : ''}`}
      style={{ ['--chip-project' as string]: projectColour(machine.projectId) }}
      title={label}
      aria-label={label}
      data-machine={machine.name}
      data-state={machine.state}
      onClick={() => props.onOpen(machine.id)}
    >
      {props.labelled ? machine.name : null}
    </button>
  );
}

export const HostBox = memo(function HostBox(props: {
  host: Host;
  highlight: ReadonlySet<string>;
  onOpen: (id: string) => void;
}) {
  const { host } = props;
  const total = host.machines.length + host.otherMachines;
  const labelled = total <= LABELLED_UP_TO;
  const shown = host.machines.slice(0, DOTS_UP_TO);
  const others = Math.min(host.otherMachines, Math.max(0, DOTS_UP_TO - shown.length));
  const hidden = total - shown.length - others;
  const cpuCapacity = host.vcpus * host.cpuAllocationRatio;
  const memCapacity = host.memoryMiB * host.ramAllocationRatio;
  const fill = Math.max(
    percent(host.allocatedVcpus, cpuCapacity),
    percent(host.allocatedMemoryMiB, memCapacity),
  );
  const classes = ['host'];
  if (host.maintenance) classes.push('host-maintenance');
  if (!host.up) classes.push('host-down');
  return (
    <section
      className={classes.join(' ')}
      aria-label={`Host ${host.name}${host.maintenance ? ', in maintenance' : ''}, ${formatCount(total, 'machine')}`}
      data-host={host.name}
    >
      <span className="host-fill" style={{ height: `${fill}%` }} aria-hidden="true" />
      <div className="host-head">
        <span className="host-name">{host.name}</span>
        <span className="host-meta">{host.hypervisor}</span>
        <span className="spacer" />
        {host.maintenance ? <span className="tag tag-warn">maintenance</span> : null}
        {!host.up ? <span className="tag tag-bad">down</span> : null}
        {!host.enabled ? <span className="tag tag-grey">disabled</span> : null}
        <span className="host-meta">{total} vm</span>
      </div>
      <div className="host-bars">
        <Bar
          label="vCPU"
          used={host.allocatedVcpus}
          total={cpuCapacity}
          text={`${host.allocatedVcpus}/${Math.round(cpuCapacity)}`}
        />
        <Bar
          label="RAM"
          used={host.allocatedMemoryMiB}
          total={memCapacity}
          text={`${Math.round(host.allocatedMemoryMiB / 1024)}/${Math.round(memCapacity / 1024)} GiB`}
        />
      </div>
      <div className="chips">
        {shown.map((machine) => (
          <Chip
            key={machine.id}
            machine={machine}
            labelled={labelled}
            highlighted={props.highlight.has(machine.id)}
            onOpen={props.onOpen}
          />
        ))}
        {others > 0
          ? Array.from({ length: others }, (_, i) => (
              <span
                // biome-ignore lint/suspicious/noArrayIndexKey: anonymous machines have nothing else to tell them apart.
                key={i}
                className={`chip chip-other${labelled ? '' : ' chip-dot'}`}
                title="A machine of a project you cannot see"
              >
                {labelled ? 'other project' : null}
              </span>
            ))
          : null}
        {hidden > 0 ? <span className="chip-more">+{hidden} more</span> : null}
      </div>
    </section>
  );
});
