'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { ErrorMessage, Loading, Notice } from '@/components/feedback';
import { ADD_MEMBER, CHANGE_MEMBER_ROLE, PROJECT_MEMBERS, REMOVE_MEMBER } from '@/graphql/admin';
import type { ProjectRole } from '@/graphql/types';
import { readableError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { useProjectEvents } from '@/lib/hooks';
import { useProject } from '@/lib/project';
import { useSession } from '@/lib/session';

const ROLES: readonly { role: ProjectRole; help: string }[] = [
  { role: 'OWNER', help: 'everything, including owners and deleting the project' },
  { role: 'ADMIN', help: 'manages members (not owners) and the project' },
  { role: 'MEMBER', help: 'creates and acts on resources' },
  { role: 'VIEWER', help: 'sees the project, its members, resources and activity' },
];

const MEMBERSHIP_EVENTS = ['membership.added', 'membership.role_changed', 'membership.removed'];

export function MembersPage() {
  const { user } = useSession();
  const { project, canManage } = useProject();
  const projectId = project?.id ?? '';
  const { data, loading, error, refetch } = useQuery(PROJECT_MEMBERS, {
    variables: { id: projectId, first: 100 },
    skip: !projectId,
  });
  useProjectEvents(projectId, MEMBERSHIP_EVENTS, () => void refetch());
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<ProjectRole>('MEMBER');
  const [notice, setNotice] = useState<string | null>(null);
  const [add, adding] = useMutation(ADD_MEMBER);
  const [change, changing] = useMutation(CHANGE_MEMBER_ROLE);
  const [remove, removing] = useMutation(REMOVE_MEMBER);
  const mutationError = changing.error ?? removing.error;
  const addError = adding.error ? readableError(adding.error) : null;

  async function run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    setNotice(null);
    changing.reset();
    removing.reset();
    try {
      await action();
      setNotice(done);
      await refetch();
      return true;
    } catch {
      return false; // Shown from the mutation's error.
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim()) return;
    const added = await run(
      () => add({ variables: { input: { projectId, username: username.trim(), role } } }),
      `${username.trim()} joined ${project?.name} as ${role.toLowerCase()}.`,
    );
    if (added) setUsername('');
  }

  if (!project) return <Loading />;
  const members = data?.project.members.edges.map((e) => e.node) ?? [];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Members</h1>
          <p className="muted">Who sees {project.name}, and what each may do.</p>
        </div>
      </div>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <ErrorMessage error={error ?? mutationError} />
      {loading && !data ? <Loading /> : null}
      {members.length > 0 ? (
        <div className="table-wrap">
          <table className="data" aria-label="Members">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Member since</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.user.id} data-member={m.user.username}>
                  <td>
                    {m.user.displayName || m.user.username}
                    <span className="cell-sub">
                      {m.user.username}
                      {m.user.email ? ` · ${m.user.email}` : ''}
                    </span>
                  </td>
                  <td>
                    {canManage ? (
                      <select
                        aria-label={`Role of ${m.user.username}`}
                        value={m.role}
                        onChange={(e) => {
                          const next = e.target.value as ProjectRole;
                          void run(
                            () =>
                              change({ variables: { input: { projectId, userId: m.user.id, role: next } } }),
                            `${m.user.username} is now ${next.toLowerCase()}.`,
                          );
                        }}
                      >
                        {ROLES.map((r) => (
                          <option key={r.role} value={r.role}>
                            {r.role.toLowerCase()}
                          </option>
                        ))}
                      </select>
                    ) : (
                      m.role.toLowerCase()
                    )}
                  </td>
                  <td>{formatDateTime(m.since)}</td>
                  <td>
                    {canManage || m.user.id === user?.id ? (
                      <button
                        type="button"
                        className="btn btn-small btn-danger-outline"
                        onClick={() =>
                          void run(
                            () => remove({ variables: { input: { projectId, userId: m.user.id } } }),
                            m.user.id === user?.id
                              ? `You left ${project.name}.`
                              : `${m.user.username} was removed.`,
                          )
                        }
                      >
                        {m.user.id === user?.id ? 'Leave' : 'Remove'}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canManage ? (
        <form className="panel stack" style={{ marginTop: 16, maxWidth: 560 }} onSubmit={submit}>
          <h2>Add a member</h2>
          {addError && addError.field !== 'username' ? <ErrorMessage error={adding.error} /> : null}
          <label className="field">
            <span>Username</span>
            <input
              name="member-username"
              value={username}
              onChange={(e) => {
                setUsername(e.target.value);
                adding.reset();
              }}
              aria-invalid={addError?.field === 'username'}
              required
            />
            {addError?.field === 'username' ? (
              <small className="field-error">{addError.message}</small>
            ) : null}
          </label>
          <fieldset className="stack" style={{ border: 'none', padding: 0, margin: 0, gap: 4 }}>
            <legend className="small" style={{ fontWeight: 500, marginBottom: 4 }}>
              Role
            </legend>
            {ROLES.map((r) => (
              <label key={r.role} className="row small">
                <input
                  type="radio"
                  name="member-role"
                  value={r.role}
                  checked={role === r.role}
                  onChange={() => setRole(r.role)}
                />
                <strong>{r.role.toLowerCase()}</strong> <span className="muted">{r.help}</span>
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit" className="btn btn-primary" disabled={adding.loading || !username.trim()}>
              Add member
            </button>
          </div>
        </form>
      ) : (
        <p className="muted" style={{ marginTop: 12 }}>
          Owners and admins of the project add members and change roles.
        </p>
      )}
    </>
  );
}
