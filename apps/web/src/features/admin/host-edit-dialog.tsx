'use client';

import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/feedback';
import { LabelsEditor } from '@/components/labels-editor';
import { type AdminHost, UPDATE_HOST } from '@/graphql/admin';
import { readableError } from '@/lib/errors';
import { formatMemory, formatStorage } from '@/lib/format';
import {
  describeChanges,
  draftOf,
  type HostDraft,
  hostEdit,
  RATIO_MAX,
  RATIO_MIN,
  RATIOS,
} from './host-settings';

/**
 * Platform admins: change a host's allocation ratios and labels. Only what changed is sent; the
 * mutation hands back the host, which updates it in Apollo's cache and so in the hosts table.
 */
export function HostEditDialog(props: {
  host: AdminHost;
  onDone: (notice: { tone: 'success' | 'info'; text: string }) => void;
  onClose: () => void;
}) {
  const { host } = props;
  const [update, updating] = useMutation(UPDATE_HOST);
  const [draft, setDraft] = useState<HostDraft>(() => draftOf(host));
  const [submitted, setSubmitted] = useState(false);
  const edit = hostEdit(host, draft);
  const apiField = updating.error ? readableError(updating.error).field : null;

  async function save() {
    setSubmitted(true);
    if (!edit.valid) return;
    if (Object.keys(edit.changes).length === 0) {
      props.onDone({ tone: 'info', text: `Nothing changed on ${host.name}.` });
      return;
    }
    try {
      const result = await update({ variables: { input: { hostId: host.id, ...edit.changes } } });
      const name = result.data?.updateHost.name ?? host.name;
      props.onDone({ tone: 'success', text: `Saved ${name}: ${describeChanges(edit.changes)}.` });
    } catch {
      // Shown from `updating.error`, in the dialog.
    }
  }

  return (
    <ConfirmDialog
      open
      title={`Edit ${host.name}`}
      confirmLabel={updating.loading ? 'Saving…' : 'Save'}
      busy={updating.loading}
      onConfirm={() => void save()}
      onCancel={props.onClose}
    >
      <div className="stack" data-host-edit={host.name}>
        <p className="muted small" style={{ margin: 0 }}>
          {host.vcpus} vCPU · {formatMemory(host.memoryMiB)} · {formatStorage(host.diskGiB)}. A ratio of 4
          lets machines be promised 4 times what the host has; from {RATIO_MIN} to {RATIO_MAX}.
        </p>
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 8 }}>
          {RATIOS.map(({ key, label }) => {
            const problem = submitted ? edit.ratioProblems[key] : undefined;
            return (
              <label className="field" key={key}>
                <span>{label} ratio</span>
                <input
                  value={draft.ratios[key]}
                  inputMode="decimal"
                  aria-invalid={problem !== undefined || apiField === key}
                  disabled={updating.loading}
                  onChange={(e) => setDraft({ ...draft, ratios: { ...draft.ratios, [key]: e.target.value } })}
                />
                {problem ? <small className="field-error">{problem}</small> : null}
              </label>
            );
          })}
        </div>
        <LabelsEditor
          rows={draft.labels}
          onChange={(labels) => setDraft({ ...draft, labels })}
          problems={submitted ? edit.labels.problems : {}}
          overall={submitted ? edit.labels.overall : null}
          disabled={updating.loading}
          help="Key = value pairs the scheduler can match, e.g. rack = r1."
        />
        <ErrorMessage error={updating.error} title="The host was not saved." />
      </div>
    </ConfirmDialog>
  );
}
