import { type FormEvent, useState } from 'react';
import { describeProblem, request } from '../api.client';
import type { Session } from '../types';

/**
 * Paste a token once: the api exchanges it for an httpOnly session cookie. The token is sent in this one request
 * and kept nowhere in the browser (not in storage, not in memory after this form).
 */
export function SignInPage({ message, onSignedIn }: { message?: string; onSignedIn(session: Session): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { data } = await request<Session>('POST', '/v1/session', { body: { token: token.trim() } });
      setToken('');
      onSignedIn(data);
    } catch (err) {
      setError(describeProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <h1>Cutover</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby="sign-in-help">
        <h2>Sign in</h2>
        {message ? <p role="status">{message}</p> : null}
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        <p id="sign-in-help" className="help">
          Paste a token (from <code>POST /v1/tokens</code> or <code>npm run dev</code>'s output). It is exchanged for a session that lasts 8 hours;
          the dashboard never stores the token.
        </p>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
