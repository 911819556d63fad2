import { useState, type FormEvent } from 'react';
import { decodeToken, type Session } from '../auth';

export function Login({ onLogin, notice }: { onLogin: (s: Session) => void; notice?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const s = decodeToken(token);
      if (s.exp !== undefined && s.exp * 1000 < Date.now()) throw new Error('This token has expired.');
      onLogin(s);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <main className="login" data-testid="login-page">
      <h1>ML flywheel console</h1>
      {notice ? (
        <p className="notice error" role="alert">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label htmlFor="token">Access token (JWT)</label>
        <textarea
          id="token"
          data-testid="token-input"
          value={token}
          onChange={(e) => {
            setToken(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            // A token has no line breaks: Enter signs in.
            if (e.key === 'Enter' && !e.shiftKey) submit(e);
          }}
          rows={5}
          spellCheck={false}
          autoFocus
          placeholder="eyJhbGciOiJIUzI1NiIs…"
          aria-describedby="token-help"
          aria-invalid={error !== null}
        />
        {error ? (
          <p className="notice error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" data-testid="login-submit" disabled={!token.trim()}>
          Sign in
        </button>
      </form>
      <TokenHelp />
    </main>
  );
}

/** Where the token stays, and how to print one for local development. */
function TokenHelp() {
  return (
    <p id="token-help" className="muted">
      The token stays in this tab only (session storage). For local development, print one with{' '}
      <code>npm run token -- --tenant acme --sub u1 --roles labeler</code> (roles: guard, labeler, ml_engineer,
      auditor, ops; comma-separated).
    </p>
  );
}
