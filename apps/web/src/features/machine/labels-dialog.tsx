'use client';

import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/feedback';
import { LabelsEditor } from '@/components/labels-editor';
import { SET_MACHINE_LABELS } from '@/graphql/machines';
import { type Labels, labelRows, labelsFromRows } from '@/lib/labels';

/** Edits a machine's labels, all at once; problems show under their rows before anything is sent. */
export function LabelsDialog(props: {
  machine: { id: string; name: string; labels: Labels };
  onClose: () => void;
}) {
  const [save, saving] = useMutation(SET_MACHINE_LABELS);
  const [rows, setRows] = useState(() => labelRows(props.machine.labels));
  const [submitted, setSubmitted] = useState(false);
  const check = labelsFromRows(rows);
  const invalid = Object.keys(check.problems).length > 0 || check.overall !== null;

  async function submit() {
    setSubmitted(true);
    if (invalid) return;
    try {
      await save({ variables: { input: { machineId: props.machine.id, labels: check.labels } } });
      props.onClose();
    } catch {
      // Shown from `saving.error`, in the dialog.
    }
  }

  return (
    <ConfirmDialog
      open
      title={`Labels of ${props.machine.name}`}
      confirmLabel={saving.loading ? 'Saving…' : 'Save labels'}
      busy={saving.loading}
      onConfirm={() => void submit()}
      onCancel={props.onClose}
    >
      <ErrorMessage error={saving.error} title="The labels were refused." />
      <LabelsEditor
        rows={rows}
        onChange={(next) => {
          setRows(next);
          saving.reset();
        }}
        problems={submitted ? check.problems : {}}
        overall={submitted ? check.overall : null}
        disabled={saving.loading}
        help="Key = value pairs to find the machine by in the inventory, e.g. env = prod. The provider does not see them."
      />
    </ConfirmDialog>
  );
}
