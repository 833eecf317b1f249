'use client';

import type { FormValues, SchemaField } from './schema-form';

/** Inputs generated from a connector's credentials schema, with problems shown inline. */
export function CredentialsFields(props: {
  fields: readonly SchemaField[];
  values: FormValues;
  problems: Record<string, string>;
  showProblems: boolean;
  onChange: (values: FormValues) => void;
}) {
  return (
    <>
      {props.fields.map((field) => {
        const id = `credential-${field.name}`;
        const problem = props.showProblems ? props.problems[field.name] : undefined;
        const value = props.values[field.name];
        const set = (v: string | boolean) => props.onChange({ ...props.values, [field.name]: v });
        if (field.kind === 'boolean')
          return (
            <label key={field.name} className="row">
              <input type="checkbox" checked={value === true} onChange={(e) => set(e.target.checked)} />
              {field.label}
            </label>
          );
        return (
          <label key={field.name} className="field" htmlFor={id}>
            <span>
              {field.label}
              {field.required ? '' : ' (optional)'}
            </span>
            {field.kind === 'choice' ? (
              <select
                id={id}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => set(e.target.value)}
              >
                <option value="">{field.required ? 'Choose…' : 'Default'}</option>
                {field.choices.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={field.name}
                type={field.kind === 'secret' ? 'password' : field.kind === 'text' ? 'text' : 'number'}
                autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => set(e.target.value)}
                aria-invalid={problem !== undefined}
                aria-describedby={`${id}-help`}
              />
            )}
            <small id={`${id}-help`} className={problem ? 'field-error' : 'field-help'}>
              {problem ??
                field.description ??
                (field.kind === 'secret' ? 'Stored encrypted; never shown again.' : '')}
            </small>
          </label>
        );
      })}
    </>
  );
}
