'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { EmptyState, ErrorMessage, Loading } from '@/components/feedback';
import { UsageBar } from '@/components/usage-bar';
import { PROJECT_QUOTA } from '@/graphql/identity';
import {
  CONFIGURATIONS,
  CREATE_MACHINE,
  IMAGES,
  MACHINES,
  PLACEMENT_GROUPS,
  PROVIDER_ACCOUNTS,
} from '@/graphql/machines';
import type { Job } from '@/graphql/types';
import { readableError } from '@/lib/errors';
import { formatMemory, formatShape, formatStorage } from '@/lib/format';
import { useDebounced } from '@/lib/hooks';
import { useProject } from '@/lib/project';
import { Choice } from './choice';
import { CreationProgress } from './creation-progress';
import { configurationProblem, machineNameProblem, requestOf } from './validation';

const STEPS = ['Account', 'Location', 'Image', 'Configuration', 'Name'] as const;

interface Created {
  machineId: string;
  job: Job;
}

export function CreateMachineWizard() {
  const { project, canWrite } = useProject();
  const projectId = project?.id ?? '';
  const [step, setStep] = useState(0);
  const [accountId, setAccountId] = useState('');
  const [locationId, setLocationId] = useState('');
  const [imageId, setImageId] = useState('');
  const [configurationId, setConfigurationId] = useState('');
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [placementGroupId, setPlacementGroupId] = useState('');
  const [userData, setUserData] = useState('');
  const [created, setCreated] = useState<Created | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const accounts = useQuery(PROVIDER_ACCOUNTS, { variables: { projectId }, skip: !projectId });
  const quota = useQuery(PROJECT_QUOTA, { variables: { id: projectId }, skip: !projectId });
  const groups = useQuery(PLACEMENT_GROUPS, { variables: { projectId }, skip: !projectId });
  const catalogVars = { accountId, locationId };
  const images = useQuery(IMAGES, { variables: catalogVars, skip: !accountId || !locationId });
  const configurations = useQuery(CONFIGURATIONS, {
    variables: catalogVars,
    skip: !accountId || !locationId,
  });
  const debouncedName = useDebounced(name.trim(), 300);
  const sameName = useQuery(MACHINES, {
    variables: { filter: { projectId, name: debouncedName }, first: 20 },
    skip: !projectId || machineNameProblem(debouncedName) !== null,
    fetchPolicy: 'network-only',
  });
  const [createMachine, creation] = useMutation(CREATE_MACHINE);

  const account = accounts.data?.providerAccounts.find((a) => a.id === accountId) ?? null;
  // Machines are made in regions and sites; a zone only says where inside its region one runs.
  const locations = account?.provider.locations.filter((l) => l.kind !== 'zone') ?? [];
  const location = locations.find((l) => l.id === locationId) ?? null;
  const image = images.data?.images.find((i) => i.id === imageId) ?? null;
  const configuration = configurations.data?.configurations.find((c) => c.id === configurationId) ?? null;
  const projectQuota = quota.data?.project.quota ?? null;
  const taken = (sameName.data?.machines.edges ?? []).some(
    (e) => e.node.name.toLowerCase() === debouncedName.toLowerCase(),
  );
  const nameProblem =
    machineNameProblem(name) ??
    (taken ? `A machine named ${name.trim()} already exists in this project.` : null);
  const serverError = creation.error ? readableError(creation.error) : null;
  const configProblem = configuration ? configurationProblem(configuration, image, projectQuota) : null;

  const values: (string | null)[] = [
    account ? `${account.name} · ${account.provider.name}` : null,
    location?.name ?? null,
    image?.name ?? null,
    configuration ? configuration.name : null,
    nameProblem ? null : name.trim(),
  ];
  const reachable = (index: number) => values.slice(0, index).every((v) => v !== null);

  /** Moves to a step and puts the keyboard focus on its title. */
  function go(index: number) {
    setStep(index);
    requestAnimationFrame(() => heading.current?.focus());
  }

  function pick(setter: (v: string) => void, resetFrom: number) {
    return (value: string) => {
      setter(value);
      if (resetFrom <= 1) setLocationId('');
      if (resetFrom <= 2) setImageId('');
      if (resetFrom <= 3) setConfigurationId('');
      creation.reset();
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNameTouched(true);
    if (!reachable(4) || nameProblem || configProblem) return;
    try {
      const result = await createMachine({
        variables: {
          input: {
            projectId,
            accountId,
            locationId,
            imageId,
            configurationId,
            name: name.trim(),
            placementGroupId: placementGroupId || null,
            userData: userData.trim() ? userData : null,
          },
        },
      });
      const payload = result.data?.createMachine;
      if (payload) {
        setCreated({ machineId: payload.machine.id, job: payload.job });
        void quota.refetch();
      }
    } catch {
      // Shown from `creation.error`.
    }
  }

  function restart() {
    setCreated(null);
    setName('');
    setNameTouched(false);
    setStep(STEPS.length - 1);
    creation.reset();
  }

  if (!project) return <Loading />;
  if (!canWrite)
    return (
      <EmptyState title="Your role cannot create machines here.">
        Viewers see the project&apos;s machines; ask an owner or admin of {project.name} for the member role.
      </EmptyState>
    );
  if (created)
    return (
      <CreationProgress
        machineId={created.machineId}
        projectId={projectId}
        job={created.job}
        onAnother={restart}
      />
    );

  const panel: ReactNode[] = [
    <fieldset key="account" className="choices" aria-label="Provider account">
      {accounts.loading && !accounts.data ? <Loading /> : null}
      <ErrorMessage error={accounts.error} />
      {accounts.data?.providerAccounts.length === 0 ? (
        <EmptyState title="This project has no provider account yet.">
          <Link href="/project/accounts">Add a provider account</Link> (or ask for one to be shared with{' '}
          {project.name}) first.
        </EmptyState>
      ) : null}
      {accounts.data?.providerAccounts.map((a) => (
        <Choice
          key={a.id}
          name="account"
          value={a.id}
          checked={a.id === accountId}
          onPick={pick(setAccountId, 1)}
          title={a.name}
          sub={`${a.provider.name} (${a.provider.kind}) · ${a.remoteName}`}
        />
      ))}
    </fieldset>,
    <fieldset key="location" className="choices" aria-label="Location">
      {account && locations.length === 0 ? (
        <EmptyState title="This provider offers no location.">
          Refresh the account in Provider accounts.
        </EmptyState>
      ) : null}
      {locations.map((l) => (
        <Choice
          key={l.id}
          name="location"
          value={l.id}
          checked={l.id === locationId}
          onPick={pick(setLocationId, 2)}
          title={l.name}
          sub={`${l.kind} · ${l.ref}`}
        />
      ))}
    </fieldset>,
    <fieldset key="image" className="choices" aria-label="Image">
      {images.loading && !images.data ? <Loading /> : null}
      <ErrorMessage error={images.error} />
      {images.data?.images.length === 0 ? (
        <EmptyState title="No image in this location.">Pick another location.</EmptyState>
      ) : null}
      {images.data?.images.map((i) => (
        <Choice
          key={i.id}
          name="image"
          value={i.id}
          checked={i.id === imageId}
          onPick={pick(setImageId, 3)}
          title={i.name}
          sub={[i.os, i.architecture, `disk ≥ ${i.minDiskGiB} GiB`].filter(Boolean).join(' · ')}
        />
      ))}
    </fieldset>,
    <fieldset key="configuration" className="choices" aria-label="Configuration">
      {configurations.loading && !configurations.data ? <Loading /> : null}
      <ErrorMessage error={configurations.error} />
      {configurations.data?.configurations.map((c) => {
        const problem = configurationProblem(c, image, projectQuota);
        return (
          <Choice
            key={c.id}
            name="configuration"
            value={c.id}
            checked={c.id === configurationId}
            disabled={problem !== null}
            onPick={pick(setConfigurationId, 4)}
            title={c.name}
            sub={formatShape(c)}
            warning={problem}
          />
        );
      })}
    </fieldset>,
    <div key="name" className="stack">
      <label className="field">
        <span>Name</span>
        <input
          name="machine-name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            creation.reset();
          }}
          onBlur={() => setNameTouched(true)}
          aria-invalid={(nameTouched || name.length > 0) && nameProblem !== null}
          aria-describedby="machine-name-help"
          autoComplete="off"
          spellCheck={false}
        />
        <small
          id="machine-name-help"
          className={(nameTouched || name.length > 0) && nameProblem ? 'field-error' : 'field-help'}
        >
          {(nameTouched || name.length > 0) && nameProblem
            ? nameProblem
            : serverError?.field === 'name'
              ? serverError.message
              : 'Letters, digits and dashes; unique in the project.'}
        </small>
      </label>
      <label className="field">
        <span>Placement group (optional)</span>
        <select value={placementGroupId} onChange={(e) => setPlacementGroupId(e.target.value)}>
          <option value="">None: the scheduler picks freely</option>
          {groups.data?.placementGroups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name} ({g.policy === 'AFFINITY' ? 'same host' : 'different hosts'})
            </option>
          ))}
        </select>
        <small className="field-help">
          Groups are managed under <Link href="/project/placement-groups">Placement groups</Link>.
        </small>
      </label>
      <details>
        <summary>User data (optional)</summary>
        <label className="field">
          <span className="sr-only">User data</span>
          <textarea
            rows={6}
            value={userData}
            onChange={(e) => setUserData(e.target.value)}
            placeholder="#cloud-config"
          />
          <small className={userData.length > 65536 ? 'field-error' : 'field-help'}>
            Cloud-init or similar, at most 64 KiB.
          </small>
        </label>
      </details>
    </div>,
  ];

  const last = step === STEPS.length - 1;
  return (
    <form onSubmit={submit} noValidate>
      <div className="page-head">
        <div>
          <h1>Create a machine</h1>
          <p className="muted">In {project.name}. Nothing is created until you confirm on the last step.</p>
        </div>
      </div>
      <div className="wizard">
        <nav aria-label="Steps">
          <ol className="steps">
            {STEPS.map((label, index) => (
              <li key={label}>
                <button
                  type="button"
                  className={`step-link${index === step ? ' current' : ''}${values[index] && index !== step ? ' done' : ''}`}
                  disabled={!reachable(index)}
                  aria-current={index === step ? 'step' : undefined}
                  onClick={() => go(index)}
                >
                  <span className="num">{values[index] && index !== step ? '✓' : index + 1}</span>
                  <span>
                    {label}
                    <span className="step-value">{values[index] ?? ''}</span>
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </nav>
        <section className="panel" aria-labelledby="step-title">
          <h2 id="step-title" ref={heading} tabIndex={-1}>
            {step + 1}. {stepTitle(step)}
          </h2>
          {panel[step]}
          {serverError && serverError.field !== 'name' ? <ErrorMessage error={creation.error} /> : null}
          <div className="wizard-nav">
            {step > 0 ? (
              <button type="button" className="btn" onClick={() => go(step - 1)}>
                ← Back
              </button>
            ) : null}
            {last ? (
              <button
                type="submit"
                className="btn btn-primary"
                disabled={creation.loading || !reachable(4) || nameProblem !== null || configProblem !== null}
              >
                {creation.loading ? 'Creating…' : 'Create machine'}
              </button>
            ) : (
              <button
                type="button"
                className="btn btn-primary"
                disabled={!values[step]}
                onClick={() => go(step + 1)}
              >
                Next →
              </button>
            )}
          </div>
        </section>
        <aside className="panel wizard-summary" aria-label="Summary">
          <h2>Summary</h2>
          <dl className="details compact">
            {STEPS.map((label, index) => (
              <div key={label} style={{ display: 'contents' }}>
                <dt>{label}</dt>
                <dd>{values[index] ?? '—'}</dd>
              </div>
            ))}
          </dl>
          <h3 style={{ marginTop: 16 }}>Quota headroom</h3>
          {projectQuota ? (
            <>
              <UsageBar
                label="Machines"
                used={projectQuota.usage.machines}
                limit={projectQuota.limits.machines}
                adding={configuration ? 1 : 0}
              />
              <UsageBar
                label="vCPUs"
                used={projectQuota.usage.vcpus}
                limit={projectQuota.limits.vcpus}
                adding={configuration ? requestOf(configuration, image).vcpus : 0}
              />
              <UsageBar
                label="Memory"
                used={projectQuota.usage.memoryMiB}
                limit={projectQuota.limits.memoryMiB}
                adding={configuration?.memoryMiB ?? 0}
                format={formatMemory}
              />
              <UsageBar
                label="Storage"
                used={projectQuota.usage.storageGiB}
                limit={projectQuota.limits.storageGiB}
                adding={configuration ? requestOf(configuration, image).storageGiB : 0}
                format={formatStorage}
              />
            </>
          ) : (
            <ErrorMessage error={quota.error} />
          )}
        </aside>
      </div>
    </form>
  );
}

function stepTitle(step: number): string {
  return [
    'Pick a provider account',
    'Pick a location',
    'Pick an image',
    'Pick a configuration',
    'Name it and create it',
  ][step] as string;
}
