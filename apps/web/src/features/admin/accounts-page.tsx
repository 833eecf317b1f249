'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useMemo, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState, ErrorMessage, Loading, Notice } from '@/components/feedback';
import {
  ADD_PROVIDER_ACCOUNT,
  ASSOCIATE_ACCOUNT,
  DELETE_ACCOUNT,
  DISSOCIATE_ACCOUNT,
  PROVIDER_KINDS,
  RECONCILE_ACCOUNT,
  REFRESH_ACCOUNT,
} from '@/graphql/admin';
import { PROVIDER_ACCOUNTS, type ProviderAccount, UNMANAGED_MACHINES } from '@/graphql/machines';
import { PROVIDERS } from '@/graphql/placement';
import { formatCount, formatDateTime } from '@/lib/format';
import { useProjectEvents } from '@/lib/hooks';
import { useProject } from '@/lib/project';
import { AccountEditDialog } from './account-edit-dialog';
import { CredentialsFields } from './credentials-form';
import { type FormValues, fieldsOf, problemsOf, valuesToJson } from './schema-form';
import { UnmanagedMachines } from './unmanaged-machines';

/** What others do to the project's accounts, which the page shows as it happens. */
const ACCOUNT_EVENTS = [
  'account.added',
  'account.updated',
  'account.deleted',
  'account.associated',
  'account.dissociated',
  'account.catalog_refreshed',
];

export function AccountsPage() {
  const { project, projects, canWrite } = useProject();
  const projectId = project?.id ?? '';
  const accounts = useQuery(PROVIDER_ACCOUNTS, { variables: { projectId }, skip: !projectId });
  useProjectEvents(projectId, ACCOUNT_EVENTS, () => void accounts.refetch());
  const [notice, setNotice] = useState<string | null>(null);
  const [associate, association] = useMutation(ASSOCIATE_ACCOUNT);
  const [dissociate, dissociation] = useMutation(DISSOCIATE_ACCOUNT);
  const [refresh, refreshing] = useMutation(REFRESH_ACCOUNT);
  const [reconcile, reconciling] = useMutation(RECONCILE_ACCOUNT);
  const [remove, removal] = useMutation(DELETE_ACCOUNT);
  const [deleting, setDeleting] = useState<ProviderAccount | null>(null);
  const [editing, setEditing] = useState<ProviderAccount | null>(null);
  // Accounts whose unmanaged machines are shown: read on demand, as it asks the provider.
  const [inspected, setInspected] = useState<readonly string[]>([]);
  const names = useMemo(() => new Map(projects.map((p) => [p.id, p.name])), [projects]);
  const writable = projects.filter((p) => p.myRole !== null && p.myRole !== 'VIEWER');
  const error =
    association.error ?? dissociation.error ?? refreshing.error ?? reconciling.error ?? removal.error;

  async function run<T>(action: () => Promise<T>, done: string | ((result: T) => string)) {
    setNotice(null);
    try {
      const result = await action();
      setNotice(typeof done === 'string' ? done : done(result));
      await accounts.refetch();
    } catch {
      // Shown from the mutation's error.
    }
  }

  if (!project) return <Loading />;
  const list = accounts.data?.providerAccounts ?? [];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Provider accounts</h1>
          <p className="muted">
            Credentials {project.name} brought for a provider, and accounts other projects share with it.
            Credentials are encrypted and never shown again.
          </p>
        </div>
      </div>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <ErrorMessage error={accounts.error ?? error} />
      {accounts.loading && !accounts.data ? <Loading /> : null}
      {accounts.data && list.length === 0 ? (
        <EmptyState title="No provider account yet.">
          {canWrite
            ? 'Add one below with your credentials for a provider.'
            : 'Members of the project add accounts.'}
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <table className="data" aria-label="Provider accounts">
            <thead>
              <tr>
                <th>Name</th>
                <th>Provider</th>
                <th>Remote name</th>
                <th>Brought by</th>
                <th>Shared with</th>
                <th>Added</th>
                <th>Checked with provider</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((account) => {
                const own = account.ownerProjectId === project.id;
                const shareable = writable.filter((p) => !account.sharedWith.includes(p.id));
                return (
                  <tr key={account.id} data-account={account.name}>
                    <td>{account.name}</td>
                    <td>
                      {account.provider.name}
                      <span className="cell-sub">{account.provider.kind}</span>
                    </td>
                    <td>{account.remoteName}</td>
                    <td>{names.get(account.ownerProjectId) ?? 'another project'}</td>
                    <td>
                      <div className="row">
                        {account.sharedWith
                          .filter((id) => id !== account.ownerProjectId)
                          .map((id) => (
                            <span key={id} className="tag tag-grey">
                              {names.get(id) ?? 'a project'}
                              {canWrite ? (
                                <button
                                  type="button"
                                  className="btn-link"
                                  aria-label={`Stop sharing with ${names.get(id) ?? 'this project'}`}
                                  onClick={() =>
                                    void run(
                                      () =>
                                        dissociate({
                                          variables: { input: { accountId: account.id, projectId: id } },
                                        }),
                                      `${account.name} is no longer shared with ${names.get(id) ?? 'that project'}.`,
                                    )
                                  }
                                >
                                  {' '}
                                  ×
                                </button>
                              ) : null}
                            </span>
                          ))}
                        {account.sharedWith.filter((id) => id !== account.ownerProjectId).length === 0 ? (
                          <span className="muted">—</span>
                        ) : null}
                      </div>
                    </td>
                    <td>{formatDateTime(account.createdAt)}</td>
                    <td data-cell="reconciled">
                      {account.reconciledAt ? (
                        formatDateTime(account.reconciledAt)
                      ) : (
                        <span className="muted">not yet</span>
                      )}
                      {account.reconcileError ? (
                        <span className="cell-sub field-error">{account.reconcileError}</span>
                      ) : null}
                    </td>
                    <td>
                      <div className="row">
                        <button
                          type="button"
                          className="btn btn-small"
                          aria-expanded={inspected.includes(account.id)}
                          onClick={() =>
                            setInspected((open) =>
                              open.includes(account.id)
                                ? open.filter((id) => id !== account.id)
                                : [...open, account.id],
                            )
                          }
                        >
                          Unmanaged machines
                        </button>
                        {canWrite ? (
                          <>
                            {shareable.length > 0 ? (
                              <select
                                aria-label={`Share ${account.name} with a project`}
                                value=""
                                onChange={(e) => {
                                  const target = e.target.value;
                                  if (target)
                                    void run(
                                      () =>
                                        associate({
                                          variables: { input: { accountId: account.id, projectId: target } },
                                        }),
                                      `${account.name} is now shared with ${names.get(target) ?? 'the project'}.`,
                                    );
                                }}
                              >
                                <option value="">Share with…</option>
                                {shareable.map((p) => (
                                  <option key={p.id} value={p.id}>
                                    {p.name}
                                  </option>
                                ))}
                              </select>
                            ) : null}
                            <button
                              type="button"
                              className="btn btn-small"
                              onClick={() =>
                                void run(
                                  () =>
                                    refresh({
                                      variables: { input: { accountId: account.id } },
                                      // The unmanaged machines shown may now find their configuration.
                                      refetchQueries: [UNMANAGED_MACHINES],
                                    }),
                                  `Locations, images and configurations of ${account.name} were read again.`,
                                )
                              }
                            >
                              Refresh
                            </button>
                            <button
                              type="button"
                              className="btn btn-small"
                              disabled={reconciling.loading}
                              title="Compare its machines with the provider now and record those changed outside Levante"
                              onClick={() =>
                                void run(
                                  () => reconcile({ variables: { input: { accountId: account.id } } }),
                                  ({ data }) =>
                                    changedOutside(account.name, data?.reconcileProviderAccount ?? null),
                                )
                              }
                            >
                              Check now
                            </button>
                            {own ? (
                              <>
                                <button
                                  type="button"
                                  className="btn btn-small"
                                  aria-label={`Edit ${account.name}`}
                                  onClick={() => {
                                    setNotice(null);
                                    setEditing(account);
                                  }}
                                >
                                  Edit
                                </button>
                                <button
                                  type="button"
                                  className="btn btn-small btn-danger-outline"
                                  onClick={() => setDeleting(account)}
                                >
                                  Delete
                                </button>
                              </>
                            ) : null}
                          </>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {list
        .filter((account) => inspected.includes(account.id))
        .map((account) => (
          <UnmanagedMachines
            key={`${project.id}-${account.id}`}
            projectId={project.id}
            projectName={project.name}
            account={account}
            canWrite={canWrite}
            onClose={() => setInspected((open) => open.filter((id) => id !== account.id))}
          />
        ))}
      {canWrite ? (
        <AddAccount
          projectId={project.id}
          onAdded={(name) => void run(async () => {}, `${name} was added.`)}
        />
      ) : null}
      {editing ? (
        <AccountEditDialog
          key={editing.id}
          account={editing}
          onDone={(done) => {
            setEditing(null);
            void run(async () => {}, done);
          }}
          onClose={() => setEditing(null)}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? 'the account'}?`}
        confirmLabel="Delete account"
        danger
        busy={removal.loading}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          const target = deleting;
          setDeleting(null);
          if (target)
            void run(
              () => remove({ variables: { input: { accountId: target.id } } }),
              `${target.name} was deleted.`,
            );
        }}
      >
        <p>Only an account without machines can be deleted. Its credentials are erased.</p>
      </ConfirmDialog>
    </>
  );
}

/** What a pass found, for the notice after "Check now". */
function changedOutside(name: string, found: { checked: number; changed: number } | null): string {
  if (!found) return `${name} was compared with its provider.`;
  return found.changed === 0
    ? `${name}: ${formatCount(found.checked, 'machine')} compared with the provider, none changed outside Levante.`
    : `${name}: ${formatCount(found.checked, 'machine')} compared with the provider, ${formatCount(found.changed, 'machine')} changed outside Levante (see the activity).`;
}

function AddAccount({ projectId, onAdded }: { projectId: string; onAdded: (name: string) => void }) {
  const providers = useQuery(PROVIDERS);
  const kinds = useQuery(PROVIDER_KINDS);
  const [providerId, setProviderId] = useState('');
  const [name, setName] = useState('');
  const [values, setValues] = useState<FormValues>({});
  const [submitted, setSubmitted] = useState(false);
  const [add, { loading, error, reset }] = useMutation(ADD_PROVIDER_ACCOUNT);
  const provider = providers.data?.providers.find((p) => p.id === providerId) ?? null;
  const kind = kinds.data?.providerKinds.find((k) => k.kind === provider?.kind) ?? null;
  const fields = useMemo(() => (kind ? fieldsOf(kind.credentialsSchema) : []), [kind]);
  const problems = problemsOf(fields, values);
  const nameProblem = name.trim().length === 0 ? 'Give the account a name.' : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (!provider || nameProblem || Object.keys(problems).length > 0) return;
    try {
      await add({
        variables: {
          input: {
            projectId,
            providerId: provider.id,
            name: name.trim(),
            credentials: valuesToJson(fields, values),
          },
        },
      });
      onAdded(name.trim());
      setName('');
      setValues({});
      setSubmitted(false);
    } catch {
      // Shown from `error`.
    }
  }

  return (
    <form className="panel stack" style={{ marginTop: 16, maxWidth: 560 }} onSubmit={submit} noValidate>
      <h2>Add an account</h2>
      <p className="muted small" style={{ margin: 0 }}>
        Levante checks the credentials with the provider before storing them.
      </p>
      <ErrorMessage error={error} title="The account was not added." />
      <label className="field">
        <span>Provider</span>
        <select
          value={providerId}
          onChange={(e) => {
            setProviderId(e.target.value);
            setValues({});
            reset();
          }}
        >
          <option value="">Choose a provider…</option>
          {providers.data?.providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.kind})
            </option>
          ))}
        </select>
        {submitted && !provider ? <small className="field-error">Choose a provider.</small> : null}
      </label>
      {provider ? (
        <>
          <label className="field">
            <span>Account name</span>
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={submitted && nameProblem !== null}
            />
            {submitted && nameProblem ? <small className="field-error">{nameProblem}</small> : null}
          </label>
          <fieldset className="stack" style={{ border: 'none', padding: 0, margin: 0 }}>
            <legend className="small muted">Credentials for {kind?.displayName ?? provider.kind}</legend>
            <CredentialsFields
              fields={fields}
              values={values}
              problems={problems}
              showProblems={submitted}
              onChange={setValues}
            />
          </fieldset>
        </>
      ) : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={loading}>
          {loading ? 'Checking with the provider…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}
