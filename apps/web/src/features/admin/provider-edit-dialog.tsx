'use client';

import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/feedback';
import { type AdminProvider, UPDATE_PROVIDER } from '@/graphql/admin';
import { readableError } from '@/lib/errors';
import { parseSettings } from './settings-json';

/**
 * Platform admins: rename a provider, change its endpoint, or change some of
 * its connector settings. The settings are never shown (they may hold the
 * site's secrets): what is typed is a merge patch, applied to them by the API.
 */
export function ProviderEditDialog(props: {
  provider: AdminProvider;
  onDone: (notice: string) => void;
  onClose: () => void;
}) {
  const { provider } = props;
  const [update, updating] = useMutation(UPDATE_PROVIDER);
  const [name, setName] = useState(provider.name);
  const [endpoint, setEndpoint] = useState(provider.endpoint ?? '');
  const [settings, setSettings] = useState('');
  const parsed = parseSettings(settings);
  const nameProblem = name.trim().length < 2 ? 'A provider name needs at least 2 characters.' : null;
  const apiError = updating.error ? readableError(updating.error) : null;

  async function save() {
    if (nameProblem || parsed.problem) return;
    const changes = {
      ...(name.trim() !== provider.name ? { name: name.trim() } : {}),
      ...(endpoint.trim() !== (provider.endpoint ?? '') ? { endpoint: endpoint.trim() || null } : {}),
      ...(parsed.value ? { settings: parsed.value } : {}),
    };
    if (Object.keys(changes).length === 0) {
      props.onDone(`Nothing changed on ${provider.name}.`);
      return;
    }
    try {
      const result = await update({ variables: { input: { providerId: provider.id, ...changes } } });
      const saved = result.data?.updateProvider.name ?? provider.name;
      props.onDone(
        parsed.value || 'endpoint' in changes
          ? `Saved ${saved}: its accounts reconnect with the new settings and read their catalogs again.`
          : `Saved ${saved}.`,
      );
    } catch {
      // Shown from `updating.error`, in the dialog.
    }
  }

  return (
    <ConfirmDialog
      open
      title={`Edit ${provider.name}`}
      confirmLabel={updating.loading ? 'Saving…' : 'Save'}
      busy={updating.loading}
      onConfirm={() => void save()}
      onCancel={props.onClose}
    >
      <div className="stack">
        <ErrorMessage error={apiError?.field ? undefined : updating.error} />
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={nameProblem !== null || apiError?.field === 'name'}
          />
          {nameProblem ? <small className="field-error">{nameProblem}</small> : null}
          {!nameProblem && apiError?.field === 'name' ? (
            <small className="field-error">{apiError.message}</small>
          ) : null}
        </label>
        <label className="field">
          <span>Endpoint (optional)</span>
          <input value={endpoint} onChange={(e) => setEndpoint(e.target.value)} placeholder="https://…" />
        </label>
        <label className="field">
          <span>Settings to change (JSON, optional)</span>
          <textarea
            rows={4}
            value={settings}
            onChange={(e) => setSettings(e.target.value)}
            placeholder='{"faults": {"downHosts": ["paris-a-1"]}}'
            aria-invalid={parsed.problem !== null || Boolean(apiError?.field?.startsWith('settings'))}
          />
          {parsed.problem ? <small className="field-error">{parsed.problem}</small> : null}
          {!parsed.problem && apiError?.field?.startsWith('settings') ? (
            <small className="field-error">{apiError.message}</small>
          ) : null}
          <small className="muted">
            Only the keys you give change; null removes one. The other settings stay as they are.
          </small>
        </label>
      </div>
    </ConfirmDialog>
  );
}
