import type { ReactNode } from 'react';
import { readableError } from '@/lib/errors';

export function Splash() {
  return (
    <div className="splash" role="status" aria-live="polite">
      <span className="logo-mark" aria-hidden="true" />
      <span>Loading Levante…</span>
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** An API error as a sentence, with its code for whoever reports it. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const { code, message } = readableError(error);
  return (
    <div className="alert alert-error" role="alert">
      {title ? <strong>{title} </strong> : null}
      <span>{message}</span>
      <span className="alert-code">{code}</span>
    </div>
  );
}

export function Notice({
  children,
  tone = 'info',
}: {
  children: ReactNode;
  tone?: 'info' | 'success' | 'warn';
}) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}
