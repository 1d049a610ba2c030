import { Suspense, lazy, useCallback, useEffect, useState } from 'react';
import { ApiError, describeProblem, onSignedOut, request, setCsrfToken } from './api.client';
import { Link } from './components/link.component';
import { OverviewPage } from './pages/overview.page';
import { SignInPage } from './pages/sign-in.page';
import { type Route, useRoute } from './router';
import { SessionContext } from './session.context';
import type { Session } from './types';

// Views beyond the overview load on first use: the first load stays small.
const DeploymentPage = lazy(() => import('./pages/deployment.page'));
const HistoryPage = lazy(() => import('./pages/history.page'));
const NewDeploymentPage = lazy(() => import('./pages/new-deployment.page'));
const AuditPage = lazy(() => import('./pages/audit.page'));

type SessionState = { kind: 'loading' } | { kind: 'signed-out'; message?: string } | { kind: 'signed-in'; session: Session };

export function App() {
  const route = useRoute();
  const [state, setState] = useState<SessionState>({ kind: 'loading' });

  const adopt = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ kind: 'signed-in', session });
  }, []);

  useEffect(() => {
    request<Session>('GET', '/v1/session')
      .then((r) => adopt(r.data))
      .catch((err: unknown) => setState({ kind: 'signed-out', message: err instanceof ApiError && err.status === 401 ? undefined : describeProblem(err) }));
    return onSignedOut(() => {
      setCsrfToken(null);
      setState({ kind: 'signed-out', message: 'Your session ended (expired, signed out, or its token was revoked). Sign in again.' });
    });
  }, [adopt]);

  const signOut = async () => {
    try {
      await request('DELETE', '/v1/session');
    } finally {
      setCsrfToken(null);
      setState({ kind: 'signed-out', message: 'Signed out.' });
    }
  };

  if (state.kind === 'loading') return <p className="loading">Loading…</p>;
  if (state.kind === 'signed-out') return <SignInPage message={state.message} onSignedIn={adopt} />;

  const session = state.session;
  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to={{ name: 'overview' }} className="brand">
          Cutover
        </Link>
        <nav aria-label="Main">
          <Link to={{ name: 'overview' }}>Overview</Link>
          <Link to={{ name: 'new' }}>New deployment</Link>
          <Link to={{ name: 'audit' }}>Audit</Link>
        </nav>
        <div className="who">
          <span title={`Session ends ${session.expiresAt ?? ''}`}>
            {session.name} · <strong>{session.role}</strong>
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <View route={route} />
        </Suspense>
      </main>
    </SessionContext.Provider>
  );
}

function View({ route }: { route: Route }) {
  switch (route.name) {
    case 'overview':
      return <OverviewPage />;
    case 'deployment':
      return <DeploymentPage key={route.id} id={route.id} />;
    case 'history':
      return <HistoryPage key={`${route.app}/${route.environment}`} app={route.app} environment={route.environment} />;
    case 'new':
      return <NewDeploymentPage app={route.app} environment={route.environment} />;
    case 'audit':
      return <AuditPage />;
  }
}
