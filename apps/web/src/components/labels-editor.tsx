'use client';

import { type LabelRow, MAX_LABELS, nextLabelRow } from '@/lib/labels';

/**
 * Labels as rows of key and value, with add and remove. The parent holds the rows and
 * checks them (`labelsFromRows`); the problems it passes are shown under their rows.
 */
export function LabelsEditor(props: {
  rows: readonly LabelRow[];
  onChange: (rows: LabelRow[]) => void;
  /** By row id. */
  problems?: Readonly<Record<number, string>>;
  overall?: string | null;
  disabled?: boolean;
  /** What the labels are for, under the legend. */
  help: string;
}) {
  const { rows, onChange, problems = {}, overall = null, disabled = false } = props;
  const edit = (id: number, change: Partial<Pick<LabelRow, 'key' | 'value'>>) =>
    onChange(rows.map((r) => (r.id === id ? { ...r, ...change } : r)));
  return (
    <fieldset
      className="stack"
      style={{ border: 'none', padding: 0, margin: 0, gap: 6, minWidth: 0 }}
      data-labels-editor
    >
      <legend className="small" style={{ fontWeight: 500, marginBottom: 4 }}>
        Labels
      </legend>
      <span className="field-help">{props.help} Leave a row empty to ignore it.</span>
      {rows.map((row, i) => {
        const problem = problems[row.id];
        return (
          <div key={row.id} data-label-row={i + 1}>
            <div className="row" style={{ flexWrap: 'nowrap' }}>
              <input
                value={row.key}
                placeholder="key"
                aria-label={`Key of label ${i + 1}`}
                aria-invalid={problem !== undefined}
                disabled={disabled}
                style={{ flex: 1, minWidth: 0 }}
                onChange={(e) => edit(row.id, { key: e.target.value })}
              />
              <span aria-hidden="true">=</span>
              <input
                value={row.value}
                placeholder="value"
                aria-label={`Value of label ${i + 1}`}
                disabled={disabled}
                style={{ flex: 1, minWidth: 0 }}
                onChange={(e) => edit(row.id, { value: e.target.value })}
              />
              <button
                type="button"
                className="btn btn-small btn-ghost"
                aria-label={`Remove label ${i + 1}`}
                title="Remove this label"
                disabled={disabled}
                onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
              >
                Remove
              </button>
            </div>
            {problem ? <small className="field-error">{problem}</small> : null}
          </div>
        );
      })}
      {overall ? <small className="field-error">{overall}</small> : null}
      <div>
        <button
          type="button"
          className="btn btn-small"
          disabled={disabled || rows.length >= MAX_LABELS}
          onClick={() => onChange([...rows, nextLabelRow(rows)])}
        >
          Add label
        </button>
      </div>
    </fieldset>
  );
}
