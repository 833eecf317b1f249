'use client';

import { useMutation } from '@apollo/client/react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/feedback';
import { EVACUATE_HOST } from '@/graphql/admin';
import { evacuationSummary } from './evacuation';

/** Asks before moving every running machine off a host in maintenance; says what happened. */
export function EvacuateDialog(props: {
  host: { id: string; name: string; machines: number } | null;
  onClose: () => void;
  onDone: (summary: string) => void;
}) {
  const [evacuate, evacuation] = useMutation(EVACUATE_HOST);
  const { host } = props;
  return (
    <ConfirmDialog
      open={host !== null}
      title={`Evacuate ${host?.name ?? 'host'}?`}
      confirmLabel="Evacuate"
      busy={evacuation.loading}
      onCancel={() => {
        evacuation.reset();
        props.onClose();
      }}
      onConfirm={async () => {
        if (!host) return;
        try {
          const result = await evacuate({ variables: { input: { hostId: host.id } } });
          if (result.data) props.onDone(evacuationSummary(host.name, result.data.evacuateHost));
        } catch {
          // Shown from `evacuation.error`.
        }
      }}
    >
      <p>
        Each running machine of the {host?.machines ?? 0} on it moves live to the host the scheduler chooses,
        without stopping. Machines that are not running stay, and so does one no other host has room for.
      </p>
      <ErrorMessage error={evacuation.error} title="The evacuation was refused." />
    </ConfirmDialog>
  );
}
