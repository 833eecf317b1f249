'use client';

import { useMutation } from '@apollo/client/react';
import { useRouter, useSearchParams } from 'next/navigation';
import { type FormEvent, Suspense, useEffect, useState } from 'react';
import { ErrorMessage, Splash } from '@/components/feedback';
import { safeNextPath } from '@/features/session/return-path';
import { LOGIN } from '@/graphql/identity';
import { useSession } from '@/lib/session';

function LoginForm() {
  const session = useSession();
  const router = useRouter();
  // Only paths of this console: never an open redirect.
  const next = safeNextPath(useSearchParams().get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [login, { loading, error }] = useMutation(LOGIN);

  useEffect(() => {
    if (session.user) router.replace(session.user.mustChangePassword ? '/password' : next);
  }, [session.user, router, next]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await login({ variables: { input: { username: username.trim(), password } } });
      session.renew();
    } catch {
      // Shown from `error`.
    }
  }

  if (session.user) return <Splash />;
  return (
    <main className="auth">
      <form className="auth-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand brand-large">
          <span className="logo-mark" aria-hidden="true" />
          Levante
        </div>
        <h1 id="login-title">Log in</h1>
        <ErrorMessage error={error} />
        <label className="field">
          <span>Username</span>
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={loading}>
          {loading ? 'Logging in…' : 'Log in'}
        </button>
        <p className="muted small">
          First start? The admin&apos;s one-time password was printed by <code>levante start</code>.
        </p>
      </form>
    </main>
  );
}

export default function LoginPage() {
  return (
    <Suspense fallback={<Splash />}>
      <LoginForm />
    </Suspense>
  );
}
