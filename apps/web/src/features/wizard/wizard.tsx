'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { EmptyState, ErrorMessage, Loading, Notice } from '@/components/feedback';
import { LabelsEditor } from '@/components/labels-editor';
import { UsageBar } from '@/components/usage-bar';
import { PROJECT_QUOTA } from '@/graphql/identity';
import {
  CONFIGURATIONS,
  CREATE_MACHINE,
  CREATE_MACHINES,
  IMAGES,
  MACHINES,
  PLACEMENT_GROUPS,
  PROVIDER_ACCOUNTS,
} from '@/graphql/machines';
import { type MachineTemplate, UPDATE_MACHINE_TEMPLATE } from '@/graphql/templates';
import type { Job } from '@/graphql/types';
import { readableError } from '@/lib/errors';
import { formatMemory, formatShape, formatStorage } from '@/lib/format';
import { useDebounced } from '@/lib/hooks';
import { type LabelRow, labelsFromRows } from '@/lib/labels';
import { useProject } from '@/lib/project';
import { Choice } from './choice';
import { CreationProgress, CreationsProgress } from './creation-progress';
import { SaveTemplateDialog } from './save-template-dialog';
import { choicesFromTemplate, firstStepToChoose, templateInput } from './template-choices';
import { TemplatePicker } from './template-picker';
import {
  configurationProblem,
  countProblem,
  MAX_MACHINES,
  machineNameProblem,
  machineNames,
  requestOf,
} from './validation';

const STEPS = ['Account', 'Location', 'Image', 'Configuration', 'Name'] as const;

interface Created {
  machineId: string;
  job: Job;
}

/** The names of `count` machines, shortened for the summary. */
function namesLabel(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `${names[0]} … ${names.at(-1)} (${names.length} machines)`;
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
  const [labels, setLabels] = useState<LabelRow[]>([]);
  const [count, setCount] = useState('1');
  const [created, setCreated] = useState<Created[] | null>(null);
  const [template, setTemplate] = useState<MachineTemplate | null>(null);
  const [savingTemplate, setSavingTemplate] = useState(false);
  const [templateNotice, setTemplateNotice] = useState<string | null>(null);
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
  const [createMachine, creationOfOne] = useMutation(CREATE_MACHINE);
  const [createMachines, creationOfMany] = useMutation(CREATE_MACHINES);
  const [updateMachineTemplate, updating] = useMutation(UPDATE_MACHINE_TEMPLATE);

  const account = accounts.data?.providerAccounts.find((a) => a.id === accountId) ?? null;
  // Machines are made in regions and sites; a zone only says where inside its region one runs.
  const locations = account?.provider.locations.filter((l) => l.kind !== 'zone') ?? [];
  const location = locations.find((l) => l.id === locationId) ?? null;
  const image = images.data?.images.find((i) => i.id === imageId) ?? null;
  const configuration = configurations.data?.configurations.find((c) => c.id === configurationId) ?? null;
  const projectQuota = quota.data?.project.quota ?? null;
  const howMany = countProblem(count) === null ? Number(count) : 1;
  const names = machineNames(name, howMany);
  const existing = new Set((sameName.data?.machines.edges ?? []).map((e) => e.node.name.toLowerCase()));
  // The lookup matches names containing the typed one, so it finds name-1… too.
  const taken =
    debouncedName.toLowerCase() === name.trim().toLowerCase()
      ? names.find((n) => existing.has(n.toLowerCase()))
      : undefined;
  const nameProblem =
    machineNameProblem(name) ??
    machineNameProblem(names.at(-1) ?? '') ??
    (taken ? `A machine named ${taken} already exists in this project.` : null);
  const creation = howMany > 1 ? creationOfMany : creationOfOne;
  const serverError = creation.error ? readableError(creation.error) : null;
  const labelCheck = labelsFromRows(labels);
  const labelsInvalid = Object.keys(labelCheck.problems).length > 0 || labelCheck.overall !== null;
  const savedChoices = {
    accountId,
    locationId,
    imageId,
    configurationId,
    placementGroupId,
    labels: labelCheck.labels,
    userData,
  };
  const configProblem = configuration
    ? configurationProblem(configuration, image, projectQuota, howMany)
    : null;

  const values: (string | null)[] = [
    account ? `${account.name} · ${account.provider.name}` : null,
    location?.name ?? null,
    image?.name ?? null,
    configuration ? configuration.name : null,
    nameProblem || countProblem(count) ? null : namesLabel(names),
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
      creationOfOne.reset();
      creationOfMany.reset();
    };
  }

  /**
   * Fills in every step from a template and goes to the first left to choose: the name, or a part
   * of a template that is gone (then "Update template" mends it).
   */
  function startFrom(picked: MachineTemplate | null) {
    setTemplate(picked);
    if (!picked) return;
    const choices = choicesFromTemplate(picked);
    setAccountId(choices.accountId);
    setLocationId(choices.locationId);
    setImageId(choices.imageId);
    setConfigurationId(choices.configurationId);
    setPlacementGroupId(choices.placementGroupId);
    setLabels(choices.labels);
    setUserData(choices.userData);
    setTemplateNotice(null);
    creationOfOne.reset();
    creationOfMany.reset();
    updating.reset();
    go(firstStepToChoose(choices));
  }

  /** Saves the wizard's choices over the template it started from, keeping its name and description. */
  async function updateTemplate() {
    if (!template) return;
    setTemplateNotice(null);
    try {
      const result = await updateMachineTemplate({
        variables: {
          input: {
            templateId: template.id,
            ...templateInput(savedChoices, template.name, template.description ?? ''),
          },
        },
      });
      if (!result.data) return;
      setTemplate(result.data.updateMachineTemplate);
      setTemplateNotice(`Template ${template.name} updated.`);
    } catch {
      // Shown from `updating.error`.
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNameTouched(true);
    if (!reachable(4) || nameProblem || configProblem || countProblem(count) || labelsInvalid) return;
    const input = {
      projectId,
      accountId,
      locationId,
      imageId,
      configurationId,
      name: name.trim(),
      placementGroupId: placementGroupId || null,
      userData: userData.trim() ? userData : null,
      labels: labelCheck.labels,
    };
    try {
      const payloads =
        howMany > 1
          ? (await createMachines({ variables: { input: { ...input, count: howMany } } })).data
              ?.createMachines.created
          : [(await createMachine({ variables: { input } })).data?.createMachine];
      const made = (payloads ?? []).flatMap((p) => (p ? [{ machineId: p.machine.id, job: p.job }] : []));
      if (made.length > 0) {
        setCreated(made);
        void quota.refetch();
      }
    } catch {
      // Shown from `creation.error`.
    }
  }

  function restart() {
    setCreated(null);
    setName('');
    setCount('1');
    setNameTouched(false);
    setStep(STEPS.length - 1);
    creationOfOne.reset();
    creationOfMany.reset();
  }

  if (!project) return <Loading />;
  if (!canWrite)
    return (
      <EmptyState title="Your role cannot create machines here.">
        Viewers see the project&apos;s machines; ask an owner or admin of {project.name} for the member role.
      </EmptyState>
    );
  if (created?.length === 1)
    return (
      <CreationProgress
        machineId={created[0]!.machineId}
        projectId={projectId}
        job={created[0]!.job}
        onAnother={restart}
      />
    );
  if (created)
    return (
      <CreationsProgress
        machineIds={created.map((c) => c.machineId)}
        projectId={projectId}
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
        const problem = configurationProblem(c, image, projectQuota, howMany);
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
            creationOfOne.reset();
            creationOfMany.reset();
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
              : howMany > 1
                ? `Named ${names[0]} to ${names.at(-1)}; each unique in the project.`
                : 'Letters, digits and dashes; unique in the project.'}
        </small>
      </label>
      <label className="field">
        <span>Number of machines</span>
        <input
          name="machine-count"
          type="number"
          min={1}
          max={MAX_MACHINES}
          value={count}
          onChange={(e) => {
            setCount(e.target.value);
            creationOfMany.reset();
          }}
          aria-invalid={countProblem(count) !== null}
          aria-describedby="machine-count-help"
          style={{ maxWidth: 120 }}
        />
        <small id="machine-count-help" className={countProblem(count) ? 'field-error' : 'field-help'}>
          {countProblem(count) ??
            'Several machines alike are created together: all of them, or none if one is refused.'}
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
      <details open={labels.length > 0}>
        <summary>Labels (optional)</summary>
        <LabelsEditor
          rows={labels}
          onChange={setLabels}
          problems={labelCheck.problems}
          overall={labelCheck.overall}
          help="Key = value pairs to find the machine by in the inventory, e.g. env = prod."
        />
      </details>
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
    <>
      <form onSubmit={submit} noValidate>
        <div className="page-head">
          <div>
            <h1>Create a machine</h1>
            <p className="muted">In {project.name}. Nothing is created until you confirm on the last step.</p>
          </div>
          <TemplatePicker projectId={projectId} value={template?.id ?? ''} onPick={startFrom} />
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
            {templateNotice ? <Notice tone="success">{templateNotice}</Notice> : null}
            <ErrorMessage error={updating.error} />
            <div className="wizard-nav">
              {step > 0 ? (
                <button type="button" className="btn" onClick={() => go(step - 1)}>
                  ← Back
                </button>
              ) : null}
              {last ? (
                <button
                  type="button"
                  className="btn"
                  disabled={!reachable(4) || labelsInvalid}
                  onClick={() => {
                    setTemplateNotice(null);
                    setSavingTemplate(true);
                  }}
                >
                  Save as template…
                </button>
              ) : null}
              {last && template ? (
                <button
                  type="button"
                  className="btn"
                  disabled={updating.loading || !reachable(4) || labelsInvalid}
                  onClick={() => void updateTemplate()}
                >
                  {updating.loading ? 'Updating…' : `Update template ${template.name}`}
                </button>
              ) : null}
              {last ? (
                <button
                  type="submit"
                  className="btn btn-primary"
                  disabled={
                    creation.loading ||
                    !reachable(4) ||
                    nameProblem !== null ||
                    configProblem !== null ||
                    countProblem(count) !== null ||
                    labelsInvalid
                  }
                >
                  {creation.loading
                    ? 'Creating…'
                    : howMany > 1
                      ? `Create ${howMany} machines`
                      : 'Create machine'}
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
                  adding={configuration ? howMany : 0}
                />
                <UsageBar
                  label="vCPUs"
                  used={projectQuota.usage.vcpus}
                  limit={projectQuota.limits.vcpus}
                  adding={configuration ? howMany * requestOf(configuration, image).vcpus : 0}
                />
                <UsageBar
                  label="Memory"
                  used={projectQuota.usage.memoryMiB}
                  limit={projectQuota.limits.memoryMiB}
                  adding={howMany * (configuration?.memoryMiB ?? 0)}
                  format={formatMemory}
                />
                <UsageBar
                  label="Storage"
                  used={projectQuota.usage.storageGiB}
                  limit={projectQuota.limits.storageGiB}
                  adding={configuration ? howMany * requestOf(configuration, image).storageGiB : 0}
                  format={formatStorage}
                />
              </>
            ) : (
              <ErrorMessage error={quota.error} />
            )}
          </aside>
        </div>
      </form>
      {savingTemplate ? (
        <SaveTemplateDialog
          projectId={projectId}
          choices={savedChoices}
          onClose={() => setSavingTemplate(false)}
          onSaved={(saved) => {
            setSavingTemplate(false);
            setTemplate(saved);
            setTemplateNotice(`Template ${saved.name} saved.`);
          }}
        />
      ) : null}
    </>
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
