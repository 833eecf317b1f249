'use client';

import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { EmptyState, ErrorMessage, Loading, Notice } from '@/components/feedback';
import { LabelsEditor } from '@/components/labels-editor';
import { RemovalDialog } from '@/components/removal-dialog';
import {
  ADMIN_HOSTS,
  ADMIN_PROVIDERS,
  DELETE_HOST,
  REGISTER_HOST,
  SET_HOST_MAINTENANCE,
  UPDATE_HOST,
} from '@/graphql/admin';
import { PLACEMENT_CHANGED } from '@/graphql/placement';
import type { Hypervisor } from '@/graphql/types';
import { readableError } from '@/lib/errors';
import { formatMemory, percent } from '@/lib/format';
import { useDebouncedCallback } from '@/lib/hooks';
import { type LabelRow, labelsFromRows, labelTags } from '@/lib/labels';
import { AdminOnly } from './admin-guard';
import { EvacuateDialog } from './evacuate-dialog';
import { HostEditDialog } from './host-edit-dialog';
import { checkRatios, formatRatio, NO_RATIOS, RATIOS, type RatioTexts } from './host-settings';

const HYPERVISORS: readonly Hypervisor[] = ['KVM', 'XEN', 'ESX'];

interface Draft {
  providerId: string;
  name: string;
  location: string;
  cluster: string;
  hypervisor: Hypervisor;
  vcpus: string;
  memoryGiB: string;
  diskGiB: string;
}

const EMPTY: Draft = {
  providerId: '',
  name: '',
  location: '',
  cluster: '',
  hypervisor: 'KVM',
  vcpus: '32',
  memoryGiB: '128',
  diskGiB: '2000',
};

function problemsOf(d: Draft): Partial<Record<keyof Draft, string>> {
  const p: Partial<Record<keyof Draft, string>> = {};
  if (!d.providerId) p.providerId = 'Choose a provider.';
  if (!d.name.trim()) p.name = 'Give the host a name.';
  if (!d.location.trim()) p.location = 'Say which site it stands in, e.g. paris.';
  for (const key of ['vcpus', 'memoryGiB', 'diskGiB'] as const)
    if (!/^\d+$/.test(d[key].trim()) || Number(d[key]) < 1) p[key] = 'A whole number, 1 or more.';
  return p;
}

function Hosts() {
  const hosts = useQuery(ADMIN_HOSTS, { fetchPolicy: 'cache-and-network' });
  // Machine counts and allocations follow placements (creates, deletes, migrations) live.
  const refresh = useDebouncedCallback(() => void hosts.refetch(), 300);
  useSubscription(PLACEMENT_CHANGED, { variables: { locationId: null }, onData: refresh });
  const providers = useQuery(ADMIN_PROVIDERS);
  const [maintenance, maintaining] = useMutation(SET_HOST_MAINTENANCE);
  const [update, updating] = useMutation(UPDATE_HOST);
  const [register, registering] = useMutation(REGISTER_HOST);
  const [remove, removal] = useMutation(DELETE_HOST);
  const [decommissioning, setDecommissioning] = useState<{ id: string; name: string } | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [ratios, setRatios] = useState<RatioTexts>(NO_RATIOS);
  const [labelRows, setLabelRows] = useState<LabelRow[]>([]);
  const [submitted, setSubmitted] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'success' | 'info'; text: string } | null>(null);
  const [evacuating, setEvacuating] = useState<{ id: string; name: string; machines: number } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const problems = problemsOf(draft);
  const ratioCheck = checkRatios(ratios, false);
  const labelCheck = labelsFromRows(labelRows);
  const registerField = registering.error ? readableError(registering.error).field : null;
  const hostProviders = (providers.data?.providers ?? []).filter((p) => p.capabilities.hosts);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (
      Object.keys(problems).length > 0 ||
      Object.keys(ratioCheck.problems).length > 0 ||
      Object.keys(labelCheck.problems).length > 0 ||
      labelCheck.overall
    )
      return;
    try {
      const result = await register({
        variables: {
          input: {
            providerId: draft.providerId,
            name: draft.name.trim(),
            location: draft.location.trim(),
            cluster: draft.cluster.trim() || null,
            hypervisor: draft.hypervisor,
            vcpus: Number(draft.vcpus),
            memoryMiB: Number(draft.memoryGiB) * 1024,
            diskGiB: Number(draft.diskGiB),
            ...ratioCheck.values,
            ...(Object.keys(labelCheck.labels).length > 0 ? { labels: labelCheck.labels } : {}),
          },
        },
      });
      setNotice({ tone: 'success', text: `${result.data?.registerHost.name ?? 'The host'} was registered.` });
      setDraft({ ...EMPTY, providerId: draft.providerId, location: draft.location, cluster: draft.cluster });
      setRatios(NO_RATIOS);
      setLabelRows([]);
      setSubmitted(false);
      await hosts.refetch();
    } catch {
      // Shown from `registering.error`.
    }
  }

  const field = (
    key: keyof Draft,
    label: string,
    extra?: { inputMode?: 'numeric'; placeholder?: string },
  ) => (
    <label className="field">
      <span>{label}</span>
      <input
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
        aria-invalid={submitted && problems[key] !== undefined}
        {...extra}
      />
      {submitted && problems[key] ? <small className="field-error">{problems[key]}</small> : null}
    </label>
  );

  const list = hosts.data?.hosts ?? [];
  const edited = list.find((h) => h.id === editing) ?? null;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Hosts</h1>
          <p className="muted">
            Physical hosts Levante places machines on. A host in maintenance keeps its machines.
          </p>
        </div>
      </div>
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      <ErrorMessage error={hosts.error ?? maintaining.error ?? updating.error ?? removal.error} />
      {hosts.loading && !hosts.data ? <Loading /> : null}
      {hosts.data && list.length === 0 ? (
        <EmptyState title="No host yet.">Register one below.</EmptyState>
      ) : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <table className="data" aria-label="Hosts">
            <thead>
              <tr>
                <th>Host</th>
                <th>Location</th>
                <th>Hypervisor</th>
                <th>Capacity</th>
                <th>Labels</th>
                <th>Allocated</th>
                <th>Machines</th>
                <th>Status</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((h) => (
                <tr key={h.id} data-host-row={h.name}>
                  <td>
                    {h.name}
                    <span className="cell-sub">{h.cluster ?? 'no cluster'}</span>
                  </td>
                  <td>{h.location}</td>
                  <td>{h.hypervisor}</td>
                  <td>
                    {h.vcpus} vCPU · {formatMemory(h.memoryMiB)}
                    <span
                      className="cell-sub"
                      data-host-ratios
                      title="Allocation ratios, CPU / RAM / disk: what machines may be promised, as a multiple of the capacity"
                    >
                      ratios {RATIOS.map(({ key }) => formatRatio(h[key])).join(' / ')}
                    </span>
                  </td>
                  <td data-host-labels style={{ whiteSpace: 'normal', minWidth: 60, maxWidth: 200 }}>
                    {labelTags(h.labels).map((tag) => (
                      <span key={tag} className="tag tag-grey" style={{ margin: '1px 4px 1px 0' }}>
                        {tag}
                      </span>
                    ))}
                    {Object.keys(h.labels).length === 0 ? <span className="muted">—</span> : null}
                  </td>
                  <td>
                    {Math.round(percent(h.allocatedVcpus, h.vcpus * h.cpuAllocationRatio))}% CPU
                    <span className="cell-sub">
                      {Math.round(percent(h.allocatedMemoryMiB, h.memoryMiB * h.ramAllocationRatio))}% RAM
                    </span>
                  </td>
                  <td data-host-machines={h.machines.length + h.otherMachines}>
                    {h.machines.length + h.otherMachines}
                  </td>
                  <td>
                    {h.maintenance ? <span className="tag tag-warn">maintenance</span> : null}
                    {!h.enabled ? <span className="tag tag-grey">disabled</span> : null}
                    {!h.up ? <span className="tag tag-bad">down</span> : null}
                    {!h.maintenance && h.enabled && h.up ? <span className="tag">in service</span> : null}
                  </td>
                  <td>
                    <div className="row" style={{ minWidth: 150 }}>
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Edit ${h.name}`}
                        onClick={() => {
                          setNotice(null);
                          setEditing(h.id);
                        }}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() =>
                          void maintenance({
                            variables: { input: { hostId: h.id, maintenance: !h.maintenance } },
                          })
                        }
                      >
                        {h.maintenance ? 'End maintenance' : 'Maintenance'}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() =>
                          void update({ variables: { input: { hostId: h.id, enabled: !h.enabled } } })
                        }
                      >
                        {h.enabled ? 'Disable' : 'Enable'}
                      </button>
                      {(h.maintenance || !h.enabled) && h.machines.length + h.otherMachines > 0 ? (
                        <button
                          type="button"
                          className="btn btn-small"
                          aria-label={`Evacuate ${h.name}`}
                          onClick={() => {
                            setNotice(null);
                            setEvacuating({
                              id: h.id,
                              name: h.name,
                              machines: h.machines.length + h.otherMachines,
                            });
                          }}
                        >
                          Evacuate…
                        </button>
                      ) : null}
                      <button
                        type="button"
                        className="btn btn-small btn-danger-outline"
                        aria-label={`Decommission ${h.name}`}
                        onClick={() => {
                          setNotice(null);
                          removal.reset();
                          setDecommissioning({ id: h.id, name: h.name });
                        }}
                      >
                        Decommission
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <RemovalDialog
        target={decommissioning}
        title={(name) => `Decommission ${name}?`}
        confirmLabel="Decommission"
        busy={removal.loading}
        onClose={() => setDecommissioning(null)}
        remove={(host) => remove({ variables: { input: { hostId: host.id } } })}
        onRemoved={async (host) => {
          setNotice({ tone: 'success', text: `${host.name} was decommissioned.` });
          await hosts.refetch();
        }}
      >
        <p>
          Levante stops placing machines there and forgets the host. Only a host without machines can be
          decommissioned: migrate or delete them first.
        </p>
      </RemovalDialog>
      <EvacuateDialog
        host={evacuating}
        onClose={() => setEvacuating(null)}
        onDone={async (summary) => {
          setEvacuating(null);
          setNotice({ tone: 'success', text: summary });
          await hosts.refetch();
        }}
      />
      {edited ? (
        <HostEditDialog
          key={edited.id}
          host={edited}
          onDone={(done) => {
            setNotice(done);
            setEditing(null);
          }}
          onClose={() => setEditing(null)}
        />
      ) : null}
      <form className="panel stack" style={{ marginTop: 16, maxWidth: 720 }} onSubmit={submit} noValidate>
        <h2>Register a host</h2>
        <ErrorMessage error={registering.error} />
        {providers.data && hostProviders.length === 0 ? (
          <Notice tone="warn">
            No provider places machines on hosts: register a provider of kind local first.
          </Notice>
        ) : null}
        <div className="toolbar">
          <label className="field">
            <span>Provider</span>
            <select
              value={draft.providerId}
              onChange={(e) => setDraft({ ...draft, providerId: e.target.value })}
              aria-invalid={submitted && problems.providerId !== undefined}
            >
              <option value="">Choose…</option>
              {hostProviders.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            {submitted && problems.providerId ? (
              <small className="field-error">{problems.providerId}</small>
            ) : null}
          </label>
          {field('name', 'Name')}
          {field('location', 'Location (site)', { placeholder: 'paris' })}
          {field('cluster', 'Cluster (optional)')}
          <label className="field">
            <span>Hypervisor</span>
            <select
              value={draft.hypervisor}
              onChange={(e) => setDraft({ ...draft, hypervisor: e.target.value as Hypervisor })}
            >
              {HYPERVISORS.map((h) => (
                <option key={h}>{h}</option>
              ))}
            </select>
          </label>
          {field('vcpus', 'vCPUs', { inputMode: 'numeric' })}
          {field('memoryGiB', 'Memory (GiB)', { inputMode: 'numeric' })}
          {field('diskGiB', 'Disk (GiB)', { inputMode: 'numeric' })}
        </div>
        <div className="toolbar" style={{ marginBottom: 0 }}>
          {RATIOS.map(({ key, label, serverDefault }) => {
            const problem = submitted ? ratioCheck.problems[key] : undefined;
            return (
              <label className="field" key={key}>
                <span>{label} ratio (optional)</span>
                <input
                  value={ratios[key]}
                  inputMode="decimal"
                  placeholder={`${serverDefault} if empty`}
                  aria-invalid={problem !== undefined || registerField === key}
                  onChange={(e) => setRatios({ ...ratios, [key]: e.target.value })}
                />
                {problem ? <small className="field-error">{problem}</small> : null}
              </label>
            );
          })}
        </div>
        <LabelsEditor
          rows={labelRows}
          onChange={setLabelRows}
          problems={submitted ? labelCheck.problems : {}}
          overall={submitted ? labelCheck.overall : null}
          help="Key = value pairs the scheduler can match, e.g. rack = r1."
        />
        <div>
          <button type="submit" className="btn btn-primary" disabled={registering.loading}>
            Register host
          </button>
        </div>
      </form>
    </>
  );
}

export function HostsPage() {
  return (
    <AdminOnly>
      <Hosts />
    </AdminOnly>
  );
}
