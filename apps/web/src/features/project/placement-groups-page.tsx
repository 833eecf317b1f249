'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { EmptyState, ErrorMessage, Loading, Notice } from '@/components/feedback';
import { RemovalDialog } from '@/components/removal-dialog';
import {
  CREATE_PLACEMENT_GROUP,
  DELETE_PLACEMENT_GROUP,
  PLACEMENT_GROUPS,
  type PlacementGroup,
} from '@/graphql/machines';
import type { PlacementPolicy } from '@/graphql/types';
import { readableError } from '@/lib/errors';
import { formatCount } from '@/lib/format';
import { useMachineChanges, useProjectEvents } from '@/lib/hooks';
import { useProject } from '@/lib/project';

const POLICIES: Record<PlacementPolicy, string> = {
  ANTI_AFFINITY: 'Anti-affinity: each machine on a different host',
  AFFINITY: 'Affinity: all machines on the same host',
};

/** The project's placement groups: what the create wizard offers, and how many machines each holds. */
const GROUP_EVENTS = ['placement_group.created', 'placement_group.deleted'];

export function PlacementGroupsPage() {
  const { project, canWrite } = useProject();
  const projectId = project?.id ?? '';
  const groups = useQuery(PLACEMENT_GROUPS, { variables: { projectId }, skip: !projectId });
  // Groups others add or delete, and machines joining or leaving them (their counts).
  const refetchGroups = () => void groups.refetch();
  useProjectEvents(projectId, GROUP_EVENTS, refetchGroups);
  useMachineChanges(projectId || null, refetchGroups);
  const [create, creating] = useMutation(CREATE_PLACEMENT_GROUP);
  const [remove, removal] = useMutation(DELETE_PLACEMENT_GROUP);
  const [deleting, setDeleting] = useState<PlacementGroup | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [policy, setPolicy] = useState<PlacementPolicy>('ANTI_AFFINITY');
  const nameError = creating.error ? readableError(creating.error) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return;
    setNotice(null);
    try {
      const result = await create({ variables: { input: { projectId, name: name.trim(), policy } } });
      setNotice(`Placement group ${result.data?.createPlacementGroup.name ?? name.trim()} created.`);
      setName('');
      await groups.refetch();
    } catch {
      // Shown from `creating.error`.
    }
  }

  if (!project) return <Loading />;
  const list = groups.data?.placementGroups ?? [];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Placement groups</h1>
          <p className="muted">
            Machines created in a group of {project.name} are placed together on one host (affinity) or each
            on a different host (anti-affinity).
          </p>
        </div>
      </div>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <ErrorMessage error={groups.error ?? removal.error} />
      {groups.loading && !groups.data ? <Loading /> : null}
      {groups.data && list.length === 0 ? (
        <EmptyState title="No placement group yet.">
          {canWrite ? 'Create one below, then choose it when you create machines.' : null}
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <table className="data" aria-label="Placement groups">
            <thead>
              <tr>
                <th>Name</th>
                <th>Policy</th>
                <th>Machines</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((g) => (
                <tr key={g.id} data-placement-group={g.name}>
                  <td>{g.name}</td>
                  <td>{POLICIES[g.policy]}</td>
                  <td data-members>{g.members}</td>
                  <td>
                    {canWrite ? (
                      <button
                        type="button"
                        className="btn btn-small btn-danger-outline"
                        aria-label={`Delete ${g.name}`}
                        onClick={() => {
                          setNotice(null);
                          removal.reset();
                          setDeleting(g);
                        }}
                      >
                        Delete
                      </button>
                    ) : null}
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
        confirmLabel="Delete group"
        busy={removal.loading}
        onClose={() => setDeleting(null)}
        remove={(group) => remove({ variables: { input: { placementGroupId: group.id } } })}
        onRemoved={async (group) => {
          setNotice(`Placement group ${group.name} deleted.`);
          await groups.refetch();
        }}
      >
        <p>
          {deleting && deleting.members > 0
            ? `It still holds ${formatCount(deleting.members, 'machine')}: Levante will refuse until ${deleting.members === 1 ? 'it is' : 'they are'} deleted.`
            : 'New machines can no longer be placed in it. Deleted machines keep their history.'}
        </p>
      </RemovalDialog>
      {canWrite ? (
        <form className="panel stack" style={{ marginTop: 16, maxWidth: 560 }} onSubmit={submit}>
          <h2>Create a placement group</h2>
          <ErrorMessage error={nameError?.field === 'name' ? null : creating.error} />
          <label className="field">
            <span>Name</span>
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. web-spread"
              aria-invalid={nameError?.field === 'name'}
              required
            />
            {nameError?.field === 'name' ? <small className="field-error">{nameError.message}</small> : null}
          </label>
          <label className="field">
            <span>Policy</span>
            <select value={policy} onChange={(e) => setPolicy(e.target.value as PlacementPolicy)}>
              {(Object.keys(POLICIES) as PlacementPolicy[]).map((p) => (
                <option key={p} value={p}>
                  {POLICIES[p]}
                </option>
              ))}
            </select>
          </label>
          <div>
            <button type="submit" className="btn btn-primary" disabled={creating.loading || !name.trim()}>
              Create group
            </button>
          </div>
        </form>
      ) : null}
    </>
  );
}
