'use client';

import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState, ErrorMessage, Loading, Notice } from '@/components/feedback';
import { StateBadge } from '@/components/state-badge';
import {
  ADOPT_MACHINE,
  type Machine,
  type ProviderAccount,
  UNMANAGED_MACHINES,
  type UnmanagedMachine,
} from '@/graphql/machines';
import { readableError } from '@/lib/errors';
import { formatShape } from '@/lib/format';
import { labelTags } from '@/lib/labels';
import { machineNameProblem } from '../wizard/validation';
import { adoptBlocker, suggestMachineName, withoutAdopted } from './adoption';

interface Adopted {
  readonly machine: Machine;
  readonly ref: string;
}

/**
 * The machines an account's provider runs that Levante does not manage, read when the section is
 * opened (it asks the provider), each adoptable into the project.
 */
export function UnmanagedMachines(props: {
  projectId: string;
  projectName: string;
  account: ProviderAccount;
  canWrite: boolean;
  onClose: () => void;
}) {
  const { projectId, projectName, account, canWrite } = props;
  const variables = { projectId, accountId: account.id };
  const unmanaged = useQuery(UNMANAGED_MACHINES, { variables, notifyOnNetworkStatusChange: true });
  const [adopting, setAdopting] = useState<UnmanagedMachine | null>(null);
  const [adopted, setAdopted] = useState<Adopted | null>(null);
  const headingId = useId();
  const blocker = adoptBlocker(canWrite);
  const list = unmanaged.data?.unmanagedMachines ?? [];
  const reasonBase = `adopt-reason-${account.id}`;

  return (
    <section
      className="panel stack"
      style={{ marginTop: 16 }}
      aria-label={`Unmanaged machines of ${account.name}`}
      data-unmanaged-of={account.name}
    >
      <div className="row" style={{ justifyContent: 'space-between', alignItems: 'flex-start' }}>
        <div>
          <h2 id={headingId} style={{ margin: 0 }}>
            Machines at the provider not managed by Levante
          </h2>
          <p className="muted small" style={{ margin: '4px 0 0' }}>
            What {account.provider.name} runs for the account {account.name} that Levante does not manage:
            made before Levante, by hand or by another tool. Adopting one makes it a machine of {projectName}:
            nothing changes at the provider.
          </p>
        </div>
        <div className="row">
          <button
            type="button"
            className="btn btn-small"
            disabled={unmanaged.loading}
            onClick={() => {
              setAdopted(null);
              void unmanaged.refetch().catch(() => {
                // Shown from `unmanaged.error`.
              });
            }}
          >
            Read again
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={props.onClose}>
            Hide
          </button>
        </div>
      </div>
      {adopted ? (
        <Notice tone="success">
          {adopted.ref} is now the machine <strong>{adopted.machine.name}</strong> of {projectName}, managed
          by Levante.{' '}
          <Link href={`/machines/${encodeURIComponent(adopted.machine.id)}`}>
            Open {adopted.machine.name}
          </Link>
        </Notice>
      ) : null}
      <ErrorMessage error={unmanaged.error} title={`${account.provider.name} could not be asked.`} />
      {unmanaged.loading ? <Loading label={`Asking ${account.provider.name}…`} /> : null}
      {unmanaged.data && list.length === 0 ? (
        <EmptyState title="Levante manages every machine of this account.">
          The provider runs nothing else for it.
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <table className="data" aria-labelledby={headingId}>
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Location</th>
                <th>Configuration</th>
                <th>Image</th>
                <th>Host</th>
                <th>IP addresses</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((machine) => {
                const reasonId = `${reasonBase}-${machine.ref}`;
                return (
                  <tr key={machine.ref} data-unmanaged={machine.name}>
                    <td>
                      {machine.name}
                      <span className="cell-sub mono">{machine.ref}</span>
                      {Object.keys(machine.labels).length > 0 ? (
                        <span className="cell-sub" title="Its tags at the provider, kept as labels">
                          {labelTags(machine.labels).join(' · ')}
                        </span>
                      ) : null}
                    </td>
                    <td>
                      <StateBadge state={machine.state} />
                    </td>
                    <td>{machine.location.name}</td>
                    <td>
                      {machine.configuration ? (
                        <>
                          {machine.configuration.name}
                          <span className="cell-sub">{formatShape(machine.configuration)}</span>
                        </>
                      ) : (
                        <span className="tag tag-warn" title="Refresh the account, then adopt it.">
                          Not in the catalog
                        </span>
                      )}
                    </td>
                    <td>{machine.image?.name ?? <span className="muted">—</span>}</td>
                    <td>{machine.host ?? <span className="muted">—</span>}</td>
                    <td className="mono">
                      {machine.addresses.length > 0 ? (
                        machine.addresses.join(', ')
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>
                      {/* The reason is said below the table too: a tooltip would be cut by the table's scroll box. */}
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-disabled={blocker !== null}
                        aria-describedby={blocker ? reasonId : undefined}
                        aria-label={`Adopt ${machine.name}`}
                        title={blocker ?? undefined}
                        onClick={() => {
                          if (blocker) return;
                          setAdopted(null);
                          setAdopting(machine);
                        }}
                      >
                        Adopt
                      </button>
                      {blocker ? (
                        <span className="sr-only" id={reasonId} role="tooltip">
                          {blocker}
                        </span>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {blocker && list.length > 0 ? (
        <p className="muted small" style={{ margin: 0 }}>
          {blocker} Owners, admins and members of the project adopt machines.
        </p>
      ) : null}
      {adopting ? (
        <AdoptDialog
          projectId={projectId}
          projectName={projectName}
          account={account}
          machine={adopting}
          onAdopted={(machine) => {
            setAdopting(null);
            setAdopted({ machine, ref: adopting.ref });
          }}
          onClose={() => setAdopting(null)}
        />
      ) : null}
    </section>
  );
}

/**
 * Names the machine (the provider's name, or a valid one made from it) and adopts it. The API's
 * refusals stay in the dialog, next to the field they name. Once adopted, the machine leaves the
 * list, and the lists that count the project's machines are read again when next shown.
 */
function AdoptDialog(props: {
  projectId: string;
  projectName: string;
  account: ProviderAccount;
  machine: UnmanagedMachine;
  onAdopted: (machine: Machine) => void;
  onClose: () => void;
}) {
  const { projectId, account, machine } = props;
  const [suggestion] = useState(() => suggestMachineName(machine.name));
  const [name, setName] = useState(suggestion.name);
  const [adopt, adoption] = useMutation(ADOPT_MACHINE);
  const { cache } = useApolloClient();
  const inputId = useId();
  const server = adoption.error ? readableError(adoption.error) : null;
  const typedProblem = machineNameProblem(name);
  const nameError = typedProblem ?? (server?.field === 'name' ? server.message : null);
  const otherError = server && server.field !== 'name' ? adoption.error : null;

  async function confirm() {
    if (typedProblem || adoption.loading) return;
    let adopted: Machine | undefined;
    try {
      const result = await adopt({
        variables: {
          input: {
            projectId,
            accountId: account.id,
            locationId: machine.location.id,
            ref: machine.ref,
            name: name.trim(),
          },
        },
      });
      adopted = result.data?.adoptMachine.machine;
    } catch {
      return; // Shown in the dialog from `adoption.error`.
    }
    if (!adopted) return;
    cache.updateQuery(
      { query: UNMANAGED_MACHINES, variables: { projectId, accountId: account.id } },
      (data) => (data ? { unmanagedMachines: withoutAdopted(data.unmanagedMachines, machine.ref) } : data),
    );
    // The inventory, the placement map and the quota now count one machine more: read them again.
    cache.evict({ id: 'ROOT_QUERY', fieldName: 'machines' });
    cache.evict({ id: 'ROOT_QUERY', fieldName: 'hosts' });
    cache.evict({ id: cache.identify({ __typename: 'Project', id: projectId }), fieldName: 'quota' });
    cache.gc();
    props.onAdopted(adopted);
  }

  const help = suggestion.reason && name === suggestion.name ? suggestion.reason : null;
  return (
    <ConfirmDialog
      open
      title={`Adopt ${machine.name}`}
      confirmLabel={adoption.loading ? 'Adopting…' : 'Adopt'}
      busy={adoption.loading || typedProblem !== null}
      onConfirm={() => void confirm()}
      onCancel={props.onClose}
    >
      <form
        className="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void confirm();
        }}
      >
        <p style={{ margin: 0 }}>
          Levante manages <span className="mono">{machine.ref}</span> from then on, as a machine of{' '}
          {props.projectName}, in the state {account.provider.name} reports:{' '}
          <StateBadge state={machine.state} />. Nothing changes at the provider.
        </p>
        <p className="muted small" style={{ margin: 0 }}>
          {machine.location.name}
          {machine.configuration
            ? ` · ${machine.configuration.name} (${formatShape(machine.configuration)})`
            : ''}
          {machine.host ? ` · host ${machine.host}` : ''}
        </p>
        {machine.configuration ? null : (
          <Notice tone="warn">
            Its configuration is not in the catalog of {account.name}: refresh the account, then adopt it.
          </Notice>
        )}
        <ErrorMessage error={otherError} title="The machine was not adopted." />
        <label className="field" htmlFor={inputId}>
          <span>Machine name</span>
          <input
            id={inputId}
            name="adopt-machine-name"
            value={name}
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            aria-invalid={nameError !== null}
            aria-describedby={`${inputId}-help`}
            onChange={(e) => {
              setName(e.target.value);
              adoption.reset();
            }}
          />
          <small id={`${inputId}-help`} className={nameError ? 'field-error' : 'field-help'}>
            {nameError ??
              help ??
              'Letters, digits and dashes, at most 63, neither starting nor ending with a dash; unique in the project.'}
          </small>
        </label>
      </form>
    </ConfirmDialog>
  );
}
