'use client';

import type { ReactNode } from 'react';
import { ConfirmDialog } from './confirm-dialog';

/**
 * Asks before removing `target` (open while it is set), then runs `remove`
 * and, once it went through, `onRemoved`. A refusal is the mutation's error:
 * the page shows it where it shows its other errors.
 */
export function RemovalDialog<T extends { readonly name: string }>(props: {
  target: T | null;
  /** The question, e.g. `Delete web?`, from the target's name. */
  title: (name: string) => string;
  confirmLabel: string;
  busy: boolean;
  onClose: () => void;
  remove: (target: T) => Promise<unknown>;
  onRemoved: (target: T) => Promise<void> | void;
  children: ReactNode;
}) {
  const { target } = props;
  return (
    <ConfirmDialog
      open={target !== null}
      title={props.title(target?.name ?? '')}
      confirmLabel={props.confirmLabel}
      danger
      busy={props.busy}
      onCancel={props.onClose}
      onConfirm={() => {
        props.onClose();
        if (!target) return;
        void props
          .remove(target)
          .then(() => props.onRemoved(target))
          .catch(() => {
            // Shown from the mutation's error.
          });
      }}
    >
      {props.children}
    </ConfirmDialog>
  );
}
