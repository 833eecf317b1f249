'use client';

import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/feedback';
import { RENAME_MACHINE } from '@/graphql/machines';
import { readableError } from '@/lib/errors';

/** Renames a machine in Levante; the API's refusal (a name in use, an invalid one) shows at the field. */
export function RenameDialog(props: {
  open: boolean;
  machine: { id: string; name: string };
  onClose: () => void;
}) {
  const [rename, renaming] = useMutation(RENAME_MACHINE);
  const [name, setName] = useState(props.machine.name);
  const problem = name.trim() ? null : 'Give the machine a name.';
  const refusal = renaming.error ? readableError(renaming.error) : null;

  async function save() {
    if (problem) return;
    try {
      await rename({ variables: { input: { machineId: props.machine.id, name: name.trim() } } });
      props.onClose();
    } catch {
      // Shown from `renaming.error`, in the dialog.
    }
  }

  return (
    <ConfirmDialog
      open={props.open}
      title={`Rename ${props.machine.name}`}
      confirmLabel={renaming.loading ? 'Renaming…' : 'Rename'}
      busy={renaming.loading}
      onConfirm={() => void save()}
      onCancel={props.onClose}
    >
      {refusal && refusal.field !== 'name' ? <ErrorMessage error={renaming.error} /> : null}
      <label className="field">
        <span>Machine name</span>
        <input
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            renaming.reset();
          }}
          aria-invalid={problem !== null || refusal?.field === 'name'}
        />
        {problem ? <small className="field-error">{problem}</small> : null}
        {!problem && refusal?.field === 'name' ? (
          <small className="field-error">{refusal.message}</small>
        ) : null}
        <small className="muted">Levante's name for it; the provider keeps its own.</small>
      </label>
    </ConfirmDialog>
  );
}
