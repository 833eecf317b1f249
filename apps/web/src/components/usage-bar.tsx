import { percent } from '@/lib/format';

/** How much of a limit is used, and (optionally) what a request would add. */
export function UsageBar(props: {
  label: string;
  used: number;
  limit: number | null;
  adding?: number;
  format?: (n: number) => string;
}) {
  const format = props.format ?? String;
  const adding = props.adding ?? 0;
  const limit = props.limit;
  const over = limit !== null && props.used + adding > limit;
  const usedPct = limit === null ? 0 : percent(props.used, limit);
  const addPct = limit === null ? 0 : Math.min(100 - usedPct, percent(adding, limit));
  const text =
    limit === null
      ? `${format(props.used)} used · no limit`
      : `${format(props.used)}${adding ? ` + ${format(adding)}` : ''} of ${format(limit)}`;
  return (
    <div className={`usage${over ? ' usage-over' : ''}`}>
      <div className="usage-head">
        <span>{props.label}</span>
        <span className="usage-text">{text}</span>
      </div>
      <div className="usage-track" aria-hidden="true">
        <span className="usage-used" style={{ width: `${usedPct}%` }} />
        <span className="usage-adding" style={{ width: `${addPct}%` }} />
      </div>
      {over ? (
        <p className="field-error">Over the limit: this would exceed the project&apos;s quota.</p>
      ) : null}
    </div>
  );
}
