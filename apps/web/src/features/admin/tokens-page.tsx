'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { EmptyState, ErrorMessage, Loading } from '@/components/feedback';
import { API_TOKENS, CREATE_API_TOKEN, REVOKE_API_TOKEN } from '@/graphql/admin';
import { formatDateTime } from '@/lib/format';
import { usePlatformEvents } from '@/lib/hooks';

const TOKEN_EVENTS = ['api_token.created', 'api_token.revoked'];

export function TokensPage() {
  const { data, loading, error, refetch } = useQuery(API_TOKENS, { variables: { first: 100 } });
  // One's tokens, made or revoked elsewhere (another tab, a script with a session).
  usePlatformEvents(TOKEN_EVENTS, () => void refetch());
  const [create, creating] = useMutation(CREATE_API_TOKEN);
  const [revoke, revoking] = useMutation(REVOKE_API_TOKEN);
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const daysProblem =
    days.trim() !== '' && (!/^\d+$/.test(days.trim()) || Number(days) < 1 || Number(days) > 3650)
      ? 'From 1 to 3650 days, or empty for a token that never expires.'
      : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim() || daysProblem) return;
    try {
      const result = await create({
        variables: { input: { name: name.trim(), expiresInDays: days.trim() ? Number(days) : null } },
      });
      const payload = result.data?.createApiToken;
      if (payload) setSecret({ name: payload.apiToken.name, token: payload.token });
      setName('');
      await refetch();
    } catch {
      // Shown from `creating.error`.
    }
  }

  const tokens = data?.apiTokens.edges.map((e) => e.node) ?? [];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>API tokens</h1>
          <p className="muted">
            Tokens act as you for automation: send <code>Authorization: Bearer &lt;token&gt;</code> to{' '}
            <code>/graphql</code>.
          </p>
        </div>
      </div>
      {secret ? (
        <div className="alert alert-success stack" role="status" style={{ alignItems: 'stretch' }}>
          <strong>Token {secret.name} created. Copy it now: it is shown this once, never again.</strong>
          <div className="row">
            <code className="mono" data-token>
              {secret.token}
            </code>
            <CopyButton text={secret.token} />
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setSecret(null)}>
              I have copied it
            </button>
          </div>
        </div>
      ) : null}
      <ErrorMessage error={error ?? revoking.error} />
      {loading && !data ? <Loading /> : null}
      {data && tokens.length === 0 ? (
        <EmptyState title="You have no API token.">Create one below.</EmptyState>
      ) : null}
      {tokens.length > 0 ? (
        <div className="table-wrap">
          <table className="data" aria-label="API tokens">
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>Status</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td className="mono">{t.prefix}…</td>
                  <td>{formatDateTime(t.createdAt)}</td>
                  <td>{t.expiresAt ? formatDateTime(t.expiresAt) : 'never'}</td>
                  <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'}</td>
                  <td>
                    {t.revokedAt ? (
                      <span className="tag tag-grey">revoked</span>
                    ) : (
                      <span className="tag">active</span>
                    )}
                  </td>
                  <td>
                    {t.revokedAt ? null : (
                      <button
                        type="button"
                        className="btn btn-small btn-danger-outline"
                        onClick={() => void revoke({ variables: { input: { id: t.id } } })}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <form className="panel stack" style={{ marginTop: 16, maxWidth: 560 }} onSubmit={submit}>
        <h2>Create a token</h2>
        <ErrorMessage error={creating.error} />
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. ci-deploy"
            required
          />
        </label>
        <label className="field">
          <span>Expires in (days)</span>
          <input
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            aria-invalid={daysProblem !== null}
          />
          <small className={daysProblem ? 'field-error' : 'field-help'}>
            {daysProblem ?? 'Empty: never expires.'}
          </small>
        </label>
        <div>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={creating.loading || !name.trim() || daysProblem !== null}
          >
            Create token
          </button>
        </div>
      </form>
    </>
  );
}
