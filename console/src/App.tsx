import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiClient } from './api';
import { clearSession, hasAnyRole, loadSession, saveSession, type Role, type Session } from './auth';
import { Forbidden, SessionContext } from './common';
import { Dashboard } from './pages/Dashboard';
import { Login } from './pages/Login';
import { Models } from './pages/Models';
import { Predictions } from './pages/Predictions';
import { Workbench } from './pages/Workbench';

interface PageDef {
  id: string;
  title: string;
  roles: readonly Role[];
  render: () => ReactNode;
}

/** Who sees which page; the server enforces the same roles on every endpoint a page calls. */
const PAGES: readonly PageDef[] = [
  { id: 'labeling', title: 'Labeling', roles: ['labeler'], render: () => <Workbench /> },
  { id: 'ops', title: 'Dashboard', roles: ['ops', 'ml_engineer'], render: () => <Dashboard /> },
  { id: 'models', title: 'Models', roles: ['ml_engineer', 'ops', 'auditor'], render: () => <Models /> },
  { id: 'predictions', title: 'Predictions', roles: ['ml_engineer', 'ops', 'auditor'], render: () => <Predictions /> },
];

function currentRoute(): string {
  return window.location.hash.replace(/^#\/?/, '').split('?')[0];
}

function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** A client for the session's token; a token the service rejects ends the session with a notice. */
function useApiClient(session: Session | null, endSession: (notice: string) => void): ApiClient | null {
  return useMemo(
    () =>
      session
        ? new ApiClient(session.token, () =>
            endSession('The service rejected the token (expired, not yet valid or not signed by this service). Paste a new one.'),
          )
        : null,
    [session],
  );
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | undefined>();
  const route = useRoute();
  const api = useApiClient(session, (text) => {
    clearSession();
    setSession(null);
    setNotice(text);
  });

  if (!session || !api) {
    return (
      <Login
        notice={notice}
        onLogin={(s) => {
          saveSession(s);
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  }

  const allowed = PAGES.filter((p) => hasAnyRole(session, p.roles));
  const page = PAGES.find((p) => p.id === route) ?? allowed[0];

  return (
    <SessionContext.Provider value={{ session, api }}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar
        session={session}
        allowed={allowed}
        page={page}
        onSignOut={() => {
          clearSession();
          setSession(null);
        }}
      />
      <main id="main" data-testid={page ? `page-${page.id}` : 'page-none'}>
        <PageBody session={session} page={page} />
      </main>
    </SessionContext.Provider>
  );
}

/** The brand, a link per page the roles allow, who is signed in, and sign-out. */
function TopBar({ session, allowed, page, onSignOut }: { session: Session; allowed: readonly PageDef[]; page: PageDef | undefined; onSignOut: () => void }) {
  return (
    <header className="topbar">
      <span className="brand">ML flywheel</span>
      <nav aria-label="Pages">
        {allowed.map((p) => (
          <a key={p.id} href={`#/${p.id}`} aria-current={p === page ? 'page' : undefined} data-testid={`nav-${p.id}`}>
            {p.title}
          </a>
        ))}
      </nav>
      <span className="who" data-testid="who">
        <span title="user">{session.sub}</span> · <span title="tenant">{session.tenant}</span> ·{' '}
        <span title="roles">{session.roles.join(', ') || 'no roles'}</span>
      </span>
      <button type="button" onClick={onSignOut} data-testid="logout">
        Sign out
      </button>
    </header>
  );
}

/** The page of the route, a refusal when the roles may not see it, or a notice when they may see none. */
function PageBody({ session, page }: { session: Session; page: PageDef | undefined }) {
  if (!page) {
    return (
      <div className="notice" role="alert" data-testid="forbidden">
        <strong>Your role cannot see any page of this console.</strong> The console serves labelers, ops and ML
        engineers; your token carries {session.roles.join(', ') || 'no roles'}.
      </div>
    );
  }
  return hasAnyRole(session, page.roles) ? (
    // Keyed so that switching pages (or users) starts from fresh state.
    <div key={`${page.id}:${session.token}`}>{page.render()}</div>
  ) : (
    <Forbidden what={`The ${page.title.toLowerCase()} page`} />
  );
}
