'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/feedback';
import { PROVIDER_KINDS, UPDATE_PROVIDER_ACCOUNT } from '@/graphql/admin';
import type { ProviderAccount } from '@/graphql/machines';
import { readableError } from '@/lib/errors';
import { CredentialsFields } from './credentials-form';
import { type FormValues, fieldsOf, problemsOf, valuesToJson } from './schema-form';

/**
 * Rename an account, or give it new credentials (keys rotated at the
 * provider). The current credentials are never shown: leaving the fields
 * empty keeps them.
 */
export function AccountEditDialog(props: {
  account: ProviderAccount;
  onDone: (notice: string) => void;
  onClose: () => void;
}) {
  const { account } = props;
  const kinds = useQuery(PROVIDER_KINDS);
  const [update, updating] = useMutation(UPDATE_PROVIDER_ACCOUNT);
  const [name, setName] = useState(account.name);
  const [values, setValues] = useState<FormValues>({});
  const [submitted, setSubmitted] = useState(false);
  const kind = kinds.data?.providerKinds.find((k) => k.kind === account.provider.kind) ?? null;
  const fields = useMemo(() => (kind ? fieldsOf(kind.credentialsSchema) : []), [kind]);
  const rotating = Object.values(values).some((v) => v !== '' && v !== false);
  const problems = rotating ? problemsOf(fields, values) : {};
  const nameProblem = name.trim().length === 0 ? 'Give the account a name.' : null;
  const apiError = updating.error ? readableError(updating.error) : null;

  async function save() {
    setSubmitted(true);
    if (nameProblem || Object.keys(problems).length > 0) return;
    const changes = {
      ...(name.trim() !== account.name ? { name: name.trim() } : {}),
      ...(rotating ? { credentials: valuesToJson(fields, values) } : {}),
    };
    if (Object.keys(changes).length === 0) {
      props.onDone(`Nothing changed on ${account.name}.`);
      return;
    }
    try {
      const result = await update({ variables: { input: { accountId: account.id, ...changes } } });
      const saved = result.data?.updateProviderAccount.name ?? account.name;
      props.onDone(
        rotating ? `Saved ${saved}: Levante uses the new credentials from now on.` : `Saved ${saved}.`,
      );
    } catch {
      // Shown from `updating.error`, in the dialog.
    }
  }

  return (
    <ConfirmDialog
      open
      title={`Edit ${account.name}`}
      confirmLabel={updating.loading ? 'Checking with the provider…' : 'Save'}
      busy={updating.loading}
      onConfirm={() => void save()}
      onCancel={props.onClose}
    >
      <div className="stack">
        <ErrorMessage error={apiError?.field ? undefined : updating.error} />
        <label className="field">
          <span>Account name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={(submitted && nameProblem !== null) || apiError?.field === 'name'}
          />
          {submitted && nameProblem ? <small className="field-error">{nameProblem}</small> : null}
          {!nameProblem && apiError?.field === 'name' ? (
            <small className="field-error">{apiError.message}</small>
          ) : null}
        </label>
        <fieldset className="stack" style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend className="small muted">
            New credentials (optional): empty keeps the current ones, which are never shown.
          </legend>
          <CredentialsFields
            fields={fields}
            values={values}
            problems={problems}
            showProblems={submitted}
            onChange={setValues}
          />
          {apiError?.field === 'credentials' ? (
            <small className="field-error" role="alert">
              {apiError.message}
            </small>
          ) : null}
        </fieldset>
      </div>
    </ConfirmDialog>
  );
}
