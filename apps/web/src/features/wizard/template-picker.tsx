'use client';

import { useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { MACHINE_TEMPLATES, type MachineTemplate } from '@/graphql/templates';
import { readableError } from '@/lib/errors';
import { templateOptionLabel } from './template-choices';

/**
 * "Start from a template", when the project has templates: picking one fills in the wizard, which
 * can still change anything. `/machines/new?template=<id>` picks it on arrival (the templates page
 * links there). A template that cannot create machines says why: the wizard fills in what is left
 * of it, for the person to choose the rest and update it.
 */
export function TemplatePicker(props: {
  projectId: string;
  /** The template the wizard started from, '' for none. */
  value: string;
  onPick: (template: MachineTemplate | null) => void;
}) {
  const requested = useSearchParams().get('template');
  const templates = useQuery(MACHINE_TEMPLATES, {
    variables: { projectId: props.projectId },
    skip: !props.projectId,
  });
  const list = templates.data?.machineTemplates ?? [];
  const wanted = requested ? list.find((t) => t.id === requested) : undefined;
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;
  // Once per template asked for, unless the wizard started from it already (back from "Create
  // another"): later changes are the person's.
  const arrived = useRef<string | null>(null);
  const current = props.value;
  useEffect(() => {
    if (!wanted || arrived.current === wanted.id) return;
    arrived.current = wanted.id;
    if (current !== wanted.id) onPick.current(wanted);
  }, [wanted, current]);

  const picked = list.find((t) => t.id === props.value) ?? wanted;
  let warning: string | null = null;
  if (templates.error) warning = `Templates could not be read: ${readableError(templates.error).message}`;
  else if (requested && templates.data && !wanted)
    warning = 'The template asked for is not in this project (any more): pick another, or choose each step.';
  else if (picked?.problem)
    warning = `${picked.name} cannot create machines. ${picked.problem} Choose what is missing, then update the template.`;
  if (list.length === 0 && !warning) return null;
  return (
    <div className="actions template-picker">
      <label className="field" style={{ maxWidth: 360 }}>
        <span>Start from a template</span>
        <select
          name="machine-template"
          value={props.value}
          onChange={(e) => props.onPick(list.find((t) => t.id === e.target.value) ?? null)}
          aria-describedby="machine-template-help"
        >
          <option value="">None: choose each step</option>
          {list.map((t) => (
            <option key={t.id} value={t.id}>
              {templateOptionLabel(t)}
            </option>
          ))}
        </select>
        <small id="machine-template-help" className={warning ? 'field-error' : 'field-help'}>
          {warning ?? (
            <>
              Fills in every step; you can still change anything. See{' '}
              <Link href="/project/templates">Machine templates</Link>.
            </>
          )}
        </small>
      </label>
    </div>
  );
}
