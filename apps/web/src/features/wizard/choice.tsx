import type { ReactNode } from 'react';

/** A radio button drawn as a card: arrow keys move between choices, Space picks. */
export function Choice(props: {
  name: string;
  value: string;
  checked: boolean;
  disabled?: boolean;
  onPick: (value: string) => void;
  title: ReactNode;
  sub?: ReactNode;
  warning?: string | null;
}) {
  return (
    <label className="choice" data-choice={props.value}>
      <input
        type="radio"
        name={props.name}
        value={props.value}
        checked={props.checked}
        disabled={props.disabled}
        onChange={() => props.onPick(props.value)}
      />
      <span className="choice-title">{props.title}</span>
      {props.sub ? <span className="choice-sub">{props.sub}</span> : null}
      {props.warning ? <span className="choice-warn">{props.warning}</span> : null}
    </label>
  );
}
