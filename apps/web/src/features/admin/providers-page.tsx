'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { ErrorMessage, Loading, Notice } from '@/components/feedback';
import { RemovalDialog } from '@/components/removal-dialog';
import {
  ADMIN_PROVIDERS,
  type AdminProvider,
  DELETE_PROVIDER,
  PROVIDER_KINDS,
  REGISTER_PROVIDER,
  SET_PROVIDER_VISIBILITY,
} from '@/graphql/admin';
import type { ProviderVisibility } from '@/graphql/types';
import { formatDateTime } from '@/lib/format';
import { usePlatformEvents } from '@/lib/hooks';
import { useProject } from '@/lib/project';
import { AdminOnly } from './admin-guard';
import { ProviderEditDialog } from './provider-edit-dialog';
import { parseSettings } from './settings-json';

function Providers() {
  const { projects } = useProject();
  const providers = useQuery(ADMIN_PROVIDERS);
  usePlatformEvents(PROVIDER_EVENTS, () => void providers.refetch());
  const kinds = useQuery(PROVIDER_KINDS);
  const [register, registering] = useMutation(REGISTER_PROVIDER);
  const [visibility, changing] = useMutation(SET_PROVIDER_VISIBILITY);
  const [remove, removal] = useMutation(DELETE_PROVIDER);
  const [deleting, setDeleting] = useState<AdminProvider | null>(null);
  const [kind, setKind] = useState('');
  const [name, setName] = useState('');
  const [endpoint, setEndpoint] = useState('');
  const [scope, setScope] = useState<ProviderVisibility>('ALL');
  const [projectIds, setProjectIds] = useState<string[]>([]);
  const [settings, setSettings] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<AdminProvider | null>(null);
  const parsed = parseSettings(settings);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (!kind || !name.trim() || parsed.problem) return;
    try {
      await register({
        variables: {
          input: {
            kind,
            name: name.trim(),
            endpoint: endpoint.trim() || null,
            visibility: scope,
            projectIds: scope === 'PROJECTS' ? projectIds : null,
            settings: parsed.value,
          },
        },
      });
      setNotice(`${name.trim()} was registered.`);
      setName('');
      setEndpoint('');
      setSettings('');
      setSubmitted(false);
      await providers.refetch();
    } catch {
      // Shown from `registering.error`.
    }
  }

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Providers</h1>
          <p className="muted">
            Clouds and sites Levante manages, and which projects may bring accounts for them.
          </p>
        </div>
      </div>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <ErrorMessage error={providers.error ?? changing.error ?? removal.error} />
      {providers.loading && !providers.data ? <Loading /> : null}
      {providers.data ? (
        <div className="table-wrap">
          <table className="data" aria-label="Providers">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Endpoint</th>
                <th>Locations</th>
                <th>Capabilities</th>
                <th>Visibility</th>
                <th>Registered</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {providers.data.providers.map((p) => (
                <tr key={p.id} data-provider={p.name}>
                  <td>{p.name}</td>
                  <td>{p.kind}</td>
                  <td className="mono">{p.endpoint ?? '—'}</td>
                  <td>{p.locations.map((l) => l.name).join(', ') || '—'}</td>
                  <td className="small">
                    {Object.entries(p.capabilities)
                      .filter(([key, on]) => on && key !== '__typename')
                      .map(([key]) => key)
                      .join(', ') || '—'}
                  </td>
                  <td>
                    {p.visibility === 'ALL' ? (
                      'every project'
                    ) : (
                      <>
                        chosen projects{' '}
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() =>
                            void visibility({ variables: { input: { providerId: p.id, visibility: 'ALL' } } })
                          }
                        >
                          Open to every project
                        </button>
                      </>
                    )}
                  </td>
                  <td>{formatDateTime(p.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={`Edit ${p.name}`}
                      onClick={() => {
                        setNotice(null);
                        setEditing(p);
                      }}
                    >
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      className="btn btn-small btn-danger-outline"
                      aria-label={`Delete ${p.name}`}
                      onClick={() => {
                        setNotice(null);
                        removal.reset();
                        setDeleting(p);
                      }}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <RemovalDialog
        target={deleting}
        title={(name) => `Delete ${name}?`}
        confirmLabel="Delete provider"
        busy={removal.loading}
        onClose={() => setDeleting(null)}
        remove={(provider) => remove({ variables: { input: { providerId: provider.id } } })}
        onRemoved={async (provider) => {
          setNotice(`${provider.name} was deleted.`);
          await providers.refetch();
        }}
      >
        <p>
          Its hosts are forgotten and no project can bring an account for it again. Only a provider no project
          has an account on can be deleted: the projects delete their accounts first. Deleted machines keep
          naming it in their history.
        </p>
      </RemovalDialog>
      {editing ? (
        <ProviderEditDialog
          key={editing.id}
          provider={editing}
          onDone={(done) => {
            setNotice(done);
            setEditing(null);
          }}
          onClose={() => setEditing(null)}
        />
      ) : null}
      <form className="panel stack" style={{ marginTop: 16, maxWidth: 560 }} onSubmit={submit} noValidate>
        <h2>Register a provider</h2>
        <ErrorMessage error={registering.error} />
        <label className="field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value)} aria-invalid={submitted && !kind}>
            <option value="">Choose a connector…</option>
            {kinds.data?.providerKinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.displayName} ({k.kind})
              </option>
            ))}
          </select>
          {submitted && !kind ? <small className="field-error">Choose a connector.</small> : null}
        </label>
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={submitted && !name.trim()}
          />
          {submitted && !name.trim() ? (
            <small className="field-error">Give the provider a name.</small>
          ) : null}
        </label>
        <label className="field">
          <span>Endpoint (optional)</span>
          <input value={endpoint} onChange={(e) => setEndpoint(e.target.value)} placeholder="https://…" />
        </label>
        <fieldset className="stack" style={{ border: 'none', padding: 0, margin: 0, gap: 4 }}>
          <legend className="small" style={{ fontWeight: 500, marginBottom: 4 }}>
            Who may use it
          </legend>
          <label className="row small">
            <input type="radio" name="scope" checked={scope === 'ALL'} onChange={() => setScope('ALL')} />{' '}
            Every project
          </label>
          <label className="row small">
            <input
              type="radio"
              name="scope"
              checked={scope === 'PROJECTS'}
              onChange={() => setScope('PROJECTS')}
            />{' '}
            Only these projects:
          </label>
          {scope === 'PROJECTS' ? (
            <div className="row" style={{ paddingLeft: 24 }}>
              {projects.map((p) => (
                <label key={p.id} className="row small">
                  <input
                    type="checkbox"
                    checked={projectIds.includes(p.id)}
                    onChange={(e) =>
                      setProjectIds(
                        e.target.checked ? [...projectIds, p.id] : projectIds.filter((id) => id !== p.id),
                      )
                    }
                  />
                  {p.name}
                </label>
              ))}
            </div>
          ) : null}
        </fieldset>
        <label className="field">
          <span>Connector settings (JSON, optional)</span>
          <textarea
            rows={4}
            value={settings}
            onChange={(e) => setSettings(e.target.value)}
            placeholder='{"driver": "sim"}'
            aria-invalid={parsed.problem !== null}
          />
          {parsed.problem ? <small className="field-error">{parsed.problem}</small> : null}
        </label>
        <div>
          <button type="submit" className="btn btn-primary" disabled={registering.loading}>
            Register provider
          </button>
        </div>
      </form>
    </>
  );
}

/** What other admins do to providers (and accounts, which the page counts), shown as it happens. */
const PROVIDER_EVENTS = [
  'provider.registered',
  'provider.updated',
  'provider.deleted',
  'account.added',
  'account.deleted',
];

export function ProvidersPage() {
  return (
    <AdminOnly>
      <Providers />
    </AdminOnly>
  );
}
