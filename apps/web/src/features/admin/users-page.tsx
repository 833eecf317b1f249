'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { ErrorMessage, Loading, Notice } from '@/components/feedback';
import { CREATE_USER, UPDATE_USER, USERS } from '@/graphql/admin';
import { formatDateTime } from '@/lib/format';
import { useDebounced, usePlatformEvents } from '@/lib/hooks';
import { useSession } from '@/lib/session';
import { AdminOnly } from './admin-guard';

function Users() {
  const { user: me } = useSession();
  const [search, setSearch] = useState('');
  const debounced = useDebounced(search.trim(), 250);
  const { data, loading, error, refetch } = useQuery(USERS, {
    variables: { first: 100, search: debounced || null },
  });
  usePlatformEvents(USER_EVENTS, () => void refetch());
  const [update, updating] = useMutation(UPDATE_USER);
  const [create, creating] = useMutation(CREATE_USER);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [created, setCreated] = useState<{ username: string; password: string | null } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim()) return;
    try {
      const result = await create({
        variables: {
          input: {
            username: username.trim(),
            displayName: displayName.trim() || null,
            email: email.trim() || null,
            isAdmin,
            mustChangePassword: true,
          },
        },
      });
      const payload = result.data?.createUser;
      if (payload) setCreated({ username: payload.user.username, password: payload.oneTimePassword });
      setUsername('');
      setDisplayName('');
      setEmail('');
      setIsAdmin(false);
      await refetch();
    } catch {
      // Shown from `creating.error`.
    }
  }

  const users = data?.users.edges.map((e) => e.node) ?? [];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Users</h1>
          <p className="muted">Everyone who can log in. Every user gets a personal project.</p>
        </div>
      </div>
      {created ? (
        <Notice tone="success">
          <span>
            {created.username} was created.
            {created.password ? (
              <>
                {' '}
                One-time password, shown once: <code data-one-time-password>{created.password}</code>
              </>
            ) : null}
          </span>
          {created.password ? <CopyButton text={created.password} /> : null}
        </Notice>
      ) : null}
      <div className="toolbar">
        <label className="field">
          <span>Search</span>
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Username"
          />
        </label>
      </div>
      <ErrorMessage error={error ?? updating.error} />
      {loading && !data ? <Loading /> : null}
      {users.length > 0 ? (
        <div className="table-wrap">
          <table className="data" aria-label="Users">
            <thead>
              <tr>
                <th>User</th>
                <th>Email</th>
                <th>Rights</th>
                <th>Status</th>
                <th>Created</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-user={u.username}>
                  <td>
                    {u.displayName || u.username}
                    <span className="cell-sub">{u.username}</span>
                  </td>
                  <td>{u.email ?? '—'}</td>
                  <td>{u.isAdmin ? <span className="tag">platform admin</span> : 'user'}</td>
                  <td>
                    {u.disabled ? (
                      <span className="tag tag-bad">disabled</span>
                    ) : u.mustChangePassword ? (
                      <span className="tag tag-warn">password to choose</span>
                    ) : (
                      <span className="tag tag-grey">active</span>
                    )}
                  </td>
                  <td>{formatDateTime(u.createdAt)}</td>
                  <td>
                    {u.id !== me?.id ? (
                      <div className="row">
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() =>
                            void update({ variables: { input: { id: u.id, isAdmin: !u.isAdmin } } })
                          }
                        >
                          {u.isAdmin ? 'Remove admin' : 'Make admin'}
                        </button>
                        <button
                          type="button"
                          className={u.disabled ? 'btn btn-small' : 'btn btn-small btn-danger-outline'}
                          onClick={() =>
                            void update({ variables: { input: { id: u.id, disabled: !u.disabled } } })
                          }
                        >
                          {u.disabled ? 'Enable' : 'Disable'}
                        </button>
                      </div>
                    ) : (
                      <span className="muted small">you</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <form className="panel stack" style={{ marginTop: 16, maxWidth: 560 }} onSubmit={submit}>
        <h2>Create a user</h2>
        <p className="muted small" style={{ margin: 0 }}>
          Levante chooses a one-time password, shown once; the user picks their own at first login.
        </p>
        <ErrorMessage error={creating.error} />
        <label className="field">
          <span>Username</span>
          <input
            name="new-username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
          <small className="field-help">2 to 40 letters, digits, dots, dashes or underscores.</small>
        </label>
        <label className="field">
          <span>Display name (optional)</span>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label className="field">
          <span>Email (optional)</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="row">
          <input type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} />
          Platform admin (manages users, providers and hosts)
        </label>
        <div>
          <button type="submit" className="btn btn-primary" disabled={creating.loading || !username.trim()}>
            Create user
          </button>
        </div>
      </form>
    </>
  );
}

const USER_EVENTS = ['user.created', 'user.updated', 'user.password_reset'];

export function UsersPage() {
  return (
    <AdminOnly>
      <Users />
    </AdminOnly>
  );
}
