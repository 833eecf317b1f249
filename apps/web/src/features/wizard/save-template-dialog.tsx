'use client';

import { useMutation } from '@apollo/client/react';
import { type ReactNode, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/feedback';
import { CREATE_MACHINE_TEMPLATE, MACHINE_TEMPLATES, type MachineTemplate } from '@/graphql/templates';
import { readableError } from '@/lib/errors';
import { MAX_TEMPLATE_NAME, type SavedChoices, templateInput, templateNameProblem } from './template-choices';

/**
 * Saves the wizard's current choices as a template of the project, under a name asked here. The
 * API's refusal (a name in use, whatever its case) shows at the field; others above it.
 */
export function SaveTemplateDialog(props: {
  projectId: string;
  choices: SavedChoices;
  /** What the template keeps, said above the name; by default the wizard's choices. */
  keeps?: ReactNode;
  onClose: () => void;
  onSaved: (template: MachineTemplate) => void;
}) {
  const [save, saving] = useMutation(CREATE_MACHINE_TEMPLATE);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [touched, setTouched] = useState(false);
  // Said once something is typed, or once Save is pressed.
  const problem = touched || name.length > 0 ? templateNameProblem(name) : null;
  const refusal = saving.error ? readableError(saving.error) : null;
  const atName = refusal !== null && (refusal.field === 'name' || refusal.code === 'CONFLICT');

  async function submit() {
    setTouched(true);
    if (templateNameProblem(name)) return;
    try {
      const result = await save({
        variables: {
          input: { projectId: props.projectId, ...templateInput(props.choices, name, description) },
        },
        refetchQueries: [{ query: MACHINE_TEMPLATES, variables: { projectId: props.projectId } }],
      });
      if (result.data) props.onSaved(result.data.createMachineTemplate);
    } catch {
      // Shown from `saving.error`, in the dialog.
    }
  }

  return (
    <ConfirmDialog
      open
      title="Save as template"
      confirmLabel={saving.loading ? 'Saving…' : 'Save template'}
      busy={saving.loading}
      onConfirm={() => void submit()}
      onCancel={props.onClose}
    >
      {/* Enter in the name saves, as the button does. */}
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <p className="muted small" style={{ margin: 0 }}>
          {props.keeps ??
            'The account, location, image and configuration chosen, with the placement group, labels and user data: the wizard can start from it next time. The name and number of machines are not saved.'}
        </p>
        {refusal && !atName ? <ErrorMessage error={saving.error} /> : null}
        <label className="field">
          <span>Template name</span>
          <input
            name="template-name"
            value={name}
            maxLength={MAX_TEMPLATE_NAME + 1}
            onChange={(e) => {
              setName(e.target.value);
              saving.reset();
            }}
            aria-invalid={problem !== null || atName}
            autoComplete="off"
          />
          {problem ? <small className="field-error">{problem}</small> : null}
          {!problem && atName ? <small className="field-error">{refusal.message}</small> : null}
          <small className="field-help">
            Unique in the project, whatever the case; at most 64 characters.
          </small>
        </label>
        <label className="field">
          <span>Description (optional)</span>
          <textarea
            name="template-description"
            className="plain"
            rows={2}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
      </form>
    </ConfirmDialog>
  );
}
