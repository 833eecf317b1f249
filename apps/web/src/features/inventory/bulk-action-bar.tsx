'use client';

import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage, Notice } from '@/components/feedback';
import { BULK_MACHINE_ACTION, type Machine } from '@/graphql/machines';
import type { Capabilities, MachineAction } from '@/graphql/types';
import { formatCount } from '@/lib/format';
import { ACTION_LABELS } from '../machine/actions';
import { bulkOutcome, offeredActions, someNames } from './bulk-actions';

/** One action on the machines selected in the inventory, and what the last one did. */
export function BulkActionBar(props: {
  /** In the table's order. */
  selected: readonly Machine[];
  capabilitiesOf: (accountId: string | null) => Capabilities | null;
  onStarted: (machineIds: readonly string[]) => void;
  onClear: () => void;
}) {
  const { selected } = props;
  const [act, acting] = useMutation(BULK_MACHINE_ACTION);
  const [outcome, setOutcome] = useState<ReturnType<typeof bulkOutcome> | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  async function run(action: MachineAction) {
    setConfirmDelete(false);
    setOutcome(null);
    // Names as the page has them now: a refused machine may have left the list by the time the answer comes.
    const names = new Map(selected.map((m) => [m.id, m.name]));
    try {
      const result = await act({ variables: { input: { machineIds: [...names.keys()], action } } });
      if (!result.data) return;
      const { started, refused } = result.data.machineActions;
      props.onStarted(started.map((s) => s.machine.id));
      setOutcome(
        bulkOutcome(
          action,
          started.length,
          refused.map((r) => ({ name: names.get(r.machineId) ?? r.machineId, message: r.message })),
        ),
      );
    } catch {
      // Shown from `acting.error`.
    }
  }

  // The machines left the list while the dialog was open: nothing is left to delete.
  if (confirmDelete && selected.length === 0) setConfirmDelete(false);
  return (
    <div className="stack" style={{ marginBottom: acting.error || outcome || selected.length > 0 ? 12 : 0 }}>
      <ErrorMessage error={acting.error} title="The action was refused." />
      {outcome ? (
        <Notice tone={outcome.refusedTitle ? 'warn' : 'success'}>
          <div data-bulk-outcome>
            {outcome.summary}
            {outcome.refusedTitle ? (
              <>
                {' '}
                <strong>{outcome.refusedTitle}</strong>
                <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                  {outcome.refusedLines.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        </Notice>
      ) : null}
      {selected.length > 0 ? (
        <div className="action-bar bulk-bar" role="toolbar" aria-label="Actions on the selected machines">
          <strong>{selected.length} selected</strong>
          {offeredActions(selected, props.capabilitiesOf).map((name) => (
            <button
              key={name}
              type="button"
              className={name === 'DELETE' ? 'btn btn-danger-outline' : 'btn'}
              disabled={acting.loading}
              onClick={() => (name === 'DELETE' ? setConfirmDelete(true) : void run(name))}
            >
              {ACTION_LABELS[name]}
            </button>
          ))}
          <span className="spacer" />
          <button type="button" className="btn btn-ghost" onClick={props.onClear}>
            Clear
          </button>
        </div>
      ) : null}
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${formatCount(selected.length, 'machine')}?`}
        confirmLabel={selected.length === 1 ? 'Delete machine' : 'Delete machines'}
        danger
        busy={acting.loading}
        onConfirm={() => void run('DELETE')}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>{someNames(selected.map((m) => m.name))}.</p>
        <p>
          The provider deletes each machine and its disk. This cannot be undone; their history stays in the
          activity log.
        </p>
      </ConfirmDialog>
    </div>
  );
}
