'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useEffect, useState } from 'react';
import { ErrorMessage, Loading, Notice } from '@/components/feedback';
import { UsageBar } from '@/components/usage-bar';
import { SET_QUOTA } from '@/graphql/admin';
import { PROJECT_QUOTA } from '@/graphql/identity';
import type { QuotaFigures } from '@/graphql/types';
import { formatMemory, formatStorage } from '@/lib/format';
import { useMachineChanges } from '@/lib/hooks';
import { useProject } from '@/lib/project';
import { useSession } from '@/lib/session';

const LIMITS: readonly {
  key: keyof QuotaFigures;
  label: string;
  unit: string;
  format?: (n: number) => string;
}[] = [
  { key: 'machines', label: 'Machines', unit: '' },
  { key: 'vcpus', label: 'vCPUs', unit: '' },
  { key: 'memoryMiB', label: 'Memory', unit: 'MiB', format: formatMemory },
  { key: 'storageGiB', label: 'Storage', unit: 'GiB', format: formatStorage },
];

type Draft = Record<keyof QuotaFigures, string>;

export function QuotasPage() {
  const { user } = useSession();
  const { project } = useProject();
  const projectId = project?.id ?? '';
  const { data, loading, error, refetch } = useQuery(PROJECT_QUOTA, {
    variables: { id: projectId },
    skip: !projectId,
  });
  useMachineChanges(projectId || null, () => void refetch());
  const [save, saving] = useMutation(SET_QUOTA);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const quota = data?.project.quota;
  useEffect(() => {
    if (quota && draft === null)
      setDraft({
        machines: quota.limits.machines?.toString() ?? '',
        vcpus: quota.limits.vcpus?.toString() ?? '',
        memoryMiB: quota.limits.memoryMiB?.toString() ?? '',
        storageGiB: quota.limits.storageGiB?.toString() ?? '',
      });
  }, [quota, draft]);

  const invalid = draft
    ? LIMITS.filter(({ key }) => draft[key].trim() !== '' && !/^\d+$/.test(draft[key].trim())).map(
        (l) => l.key,
      )
    : [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft || invalid.length > 0) return;
    const value = (key: keyof QuotaFigures) => (draft[key].trim() === '' ? null : Number(draft[key]));
    setSaved(false);
    try {
      await save({
        variables: {
          input: {
            projectId,
            machines: value('machines'),
            vcpus: value('vcpus'),
            memoryMiB: value('memoryMiB'),
            storageGiB: value('storageGiB'),
          },
        },
      });
      setSaved(true);
      await refetch();
    } catch {
      // Shown from `saving.error`.
    }
  }

  if (!project || (loading && !data)) return <Loading />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Quotas</h1>
          <p className="muted">What {project.name} may use, and what it uses now (live).</p>
        </div>
      </div>
      <ErrorMessage error={error} />
      {quota ? (
        <section className="panel" style={{ maxWidth: 640 }} aria-label="Usage">
          {LIMITS.map((l) => (
            <UsageBar
              key={l.key}
              label={l.label}
              used={quota.usage[l.key]}
              limit={quota.limits[l.key]}
              format={l.format}
            />
          ))}
        </section>
      ) : null}
      {user?.isAdmin && draft ? (
        <form className="panel stack" style={{ maxWidth: 640 }} onSubmit={submit}>
          <h2>Limits</h2>
          <p className="muted small" style={{ margin: 0 }}>
            Empty means no limit. Only platform admins set quotas.
          </p>
          {saved ? <Notice tone="success">The quotas of {project.name} were saved.</Notice> : null}
          <ErrorMessage error={saving.error} />
          <div className="toolbar">
            {LIMITS.map((l) => (
              <label key={l.key} className="field">
                <span>
                  {l.label}
                  {l.unit ? ` (${l.unit})` : ''}
                </span>
                <input
                  inputMode="numeric"
                  value={draft[l.key]}
                  placeholder="no limit"
                  aria-invalid={invalid.includes(l.key)}
                  onChange={(e) => setDraft({ ...draft, [l.key]: e.target.value })}
                />
                {invalid.includes(l.key) ? (
                  <small className="field-error">A whole number, or empty.</small>
                ) : null}
              </label>
            ))}
          </div>
          <div>
            <button type="submit" className="btn btn-primary" disabled={saving.loading || invalid.length > 0}>
              Save quotas
            </button>
          </div>
        </form>
      ) : (
        <p className="muted">Platform admins set the limits.</p>
      )}
    </>
  );
}
