'use client';

import { useMutation } from '@apollo/client/react';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';
import { ErrorMessage, Notice, Splash } from '@/components/feedback';
import { CHANGE_PASSWORD } from '@/graphql/identity';
import { useSession } from '@/lib/session';

const MIN_LENGTH = 12;

export default function PasswordPage() {
  const session = useSession();
  const router = useRouter();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const [change, { loading, error }] = useMutation(CHANGE_PASSWORD);

  useEffect(() => {
    if (session.status === 'anonymous') router.replace('/login?next=/password');
  }, [session.status, router]);

  const tooShort = next.length > 0 && next.length < MIN_LENGTH;
  const mismatch = confirm.length > 0 && confirm !== next;
  const same = next.length > 0 && next === current;
  const valid = current.length > 0 && next.length >= MIN_LENGTH && confirm === next && !same;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!valid) return;
    try {
      await change({ variables: { input: { currentPassword: current, newPassword: next } } });
      router.replace('/machines');
      session.renew();
    } catch {
      // Shown from `error`.
    }
  }

  if (!session.user) return <Splash />;
  const forced = session.user.mustChangePassword;
  return (
    <main className="auth">
      <form className="auth-card" onSubmit={submit} aria-labelledby="password-title" noValidate>
        <div className="brand brand-large">
          <span className="logo-mark" aria-hidden="true" />
          Levante
        </div>
        <h1 id="password-title">Choose your password</h1>
        {forced ? (
          <Notice tone="warn">
            You logged in with a one-time password. Choose your own password to continue,{' '}
            {session.user.username}.
          </Notice>
        ) : null}
        <ErrorMessage error={error} />
        <div className="field">
          <label htmlFor="current-password">Current password</label>
          <input
            id="current-password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="new-password">New password</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            aria-invalid={tooShort || same}
            aria-describedby="new-password-help"
            required
          />
          <small id="new-password-help" className={tooShort || same ? 'field-error' : 'field-help'}>
            {same
              ? 'Choose a password different from the current one.'
              : `At least ${MIN_LENGTH} characters${tooShort ? ` (${next.length} so far)` : ''}.`}
          </small>
        </div>
        <div className="field">
          <label htmlFor="confirm-password">New password, again</label>
          <input
            id="confirm-password"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            aria-invalid={mismatch}
            aria-describedby="confirm-password-help"
            required
          />
          {mismatch || (touched && confirm !== next) ? (
            <small id="confirm-password-help" className="field-error">
              The two passwords differ.
            </small>
          ) : null}
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={loading || !valid}>
          {loading ? 'Saving…' : 'Change password'}
        </button>
        {!forced ? (
          <button type="button" className="btn btn-link" onClick={() => router.back()}>
            Cancel
          </button>
        ) : (
          <button type="button" className="btn btn-link" onClick={() => void session.logout()}>
            Log out
          </button>
        )}
      </form>
    </main>
  );
}
