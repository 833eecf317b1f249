'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useMemo, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage, Loading } from '@/components/feedback';
import { type Machine, MIGRATE_MACHINE } from '@/graphql/machines';
import { HOSTS } from '@/graphql/placement';
import type { Job } from '@/graphql/types';
import { formatCount, formatMemory, formatStorage } from '@/lib/format';
import { migrationTargets } from './migration-targets';

/**
 * Platform admins: pick another host of the machine's location and move the machine there while it
 * runs. The hosts are read when the dialog opens; the job that moves the machine is handed back.
 */
export function MigrateDialog(props: {
  open: boolean;
  machine: Machine;
  onStarted: (job: Job) => void;
  onClose: () => void;
}) {
  const { machine } = props;
  const hosts = useQuery(HOSTS, {
    variables: { locationId: machine.location.id, providerId: machine.provider.id },
    skip: !props.open,
    fetchPolicy: 'network-only',
  });
  const [migrate, migration] = useMutation(MIGRATE_MACHINE);
  const [chosen, setChosen] = useState<string | null>(null);
  const targets = useMemo(() => migrationTargets(hosts.data?.hosts ?? [], machine), [hosts.data, machine]);
  const target = targets.find((t) => t.host.id === chosen && t.blocker === null) ?? null;

  useEffect(() => {
    if (!props.open) {
      setChosen(null);
      migration.reset();
    }
  }, [props.open, migration.reset]);

  async function confirm() {
    if (!target) return;
    try {
      const result = await migrate({
        variables: { input: { machineId: machine.id, hostId: target.host.id } },
      });
      if (result.data) props.onStarted(result.data.migrateMachine.job);
    } catch {
      // Shown from `migration.error`, in the dialog.
    }
  }

  return (
    <ConfirmDialog
      open={props.open}
      title={`Migrate ${machine.name}`}
      confirmLabel={target ? `Migrate to ${target.host.name}` : 'Migrate'}
      busy={migration.loading || !target}
      onConfirm={() => void confirm()}
      onCancel={props.onClose}
    >
      <p className="muted">
        The machine keeps running while it moves from {machine.host?.name ?? 'its host'} to another host of{' '}
        {machine.location.name}. It needs {machine.vcpus} vCPU · {formatMemory(machine.memoryMiB)} ·{' '}
        {formatStorage(machine.diskGiB)}.
      </p>
      {hosts.loading && !hosts.data ? <Loading label="Reading hosts…" /> : null}
      <ErrorMessage error={hosts.error} title="The hosts could not be read." />
      {hosts.data && targets.length === 0 ? <p>There is no other host in {machine.location.name}.</p> : null}
      <fieldset className="choices" aria-label="Destination host" data-migration-targets>
        {targets.map(({ host, free, blocker }) => (
          <label className="choice" key={host.id} data-host={host.name}>
            <input
              type="radio"
              name="migration-target"
              value={host.id}
              checked={chosen === host.id}
              disabled={blocker !== null}
              onChange={() => setChosen(host.id)}
            />
            <span className="choice-title">
              {host.name}
              {host.cluster ? <span className="muted"> ({host.cluster})</span> : null}
            </span>
            <span className="choice-sub">
              {host.hypervisor} · free {Math.max(0, free.vcpus)} vCPU ·{' '}
              {formatMemory(Math.max(0, free.memoryMiB))} · {formatStorage(Math.max(0, free.diskGiB))} ·{' '}
              {formatCount(host.machines.length + host.otherMachines, 'machine')}
            </span>
            {blocker ? <span className="choice-warn">{blocker}</span> : null}
          </label>
        ))}
      </fieldset>
      <ErrorMessage error={migration.error} title="The migration was refused." />
    </ConfirmDialog>
  );
}
