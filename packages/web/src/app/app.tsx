import { useMemo, useState } from 'react';
import { SlipwayClient, type CallerAccess } from '@slipway/api';
import { AdminPage, mayAdminister } from '../pages/admin-page.js';
import { HomePage } from '../pages/home-page.js';
import { LogsPage } from '../pages/logs-page.js';
import { NotFound } from '../pages/not-found.js';
import { ProjectPage } from '../pages/project-page.js';
import { RunPage } from '../pages/run-page.js';
import { TestsPage } from '../pages/tests-page.js';
import { SignedContext, type Signed } from './api-context.js';
import { Link, matchPath, paths, useLocation } from './router.js';
import { session } from './session.js';
import { SignIn } from './sign-in.js';
import { useLoad } from './use-load.js';
import { ErrorNote } from '../ui/error-note.js';

function Page({ path }: { readonly path: string }) {
  let m: Record<string, string> | null;
  if ((m = matchPath('/', path))) return <HomePage />;
  if ((m = matchPath('/projects/:name', path))) return <ProjectPage name={m.name ?? ''} />;
  if ((m = matchPath('/runs/:id', path))) return <RunPage id={m.id ?? ''} />;
  if ((m = matchPath('/runs/:id/tests', path))) return <TestsPage id={m.id ?? ''} />;
  if ((m = matchPath('/runs/:id/tasks/:task/logs', path))) {
    return <LogsPage runId={m.id ?? ''} taskId={m.task ?? ''} />;
  }
  if (matchPath('/admin', path)) return <AdminPage />;
  return <NotFound />;
}

function Shell({ signed, path }: { readonly signed: Signed; readonly path: string }) {
  return (
    <SignedContext.Provider value={signed}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <nav aria-label="Main">
          <Link to={paths.home()} className="brand">
            Slipway
          </Link>
          {mayAdminister(signed.access) && <Link to={paths.admin()}>Admin</Link>}
        </nav>
        <div className="who">
          <span>{signed.access.user}</span>
          <button type="button" className="secondary" onClick={signed.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <Page key={path} path={path} />
      </main>
    </SignedContext.Provider>
  );
}

/** The app: sign-in until a token is known and accepted, then the page the address names. */
export function App() {
  const location = useLocation();
  const [token, setToken] = useState(() => session.read());
  const [given, setGiven] = useState<CallerAccess | null>(null);
  const client = useMemo(
    () => (token === null ? null : new SlipwayClient({ baseUrl: window.location.origin, token })),
    [token],
  );
  const access = useLoad(
    `access:${token ?? ''}`,
    async (signal) => given ?? (client === null ? null : client.getAccess({ signal })),
  );
  const signOut = () => {
    session.clear();
    setGiven(null);
    setToken(null);
  };

  if (client === null) {
    return (
      <SignIn
        onSignedIn={(t, a, remember) => {
          session.save(t, remember);
          setGiven(a);
          setToken(t);
        }}
      />
    );
  }
  if (access.error !== undefined) {
    return (
      <main id="main" className="sign-in">
        <h1>Could not sign in</h1>
        <ErrorNote error={access.error} />
        <button type="button" onClick={signOut}>
          Sign in again
        </button>
      </main>
    );
  }
  if (access.value === undefined || access.value === null) {
    return <p className="loading">Loading…</p>;
  }
  return <Shell signed={{ client, access: access.value, signOut }} path={location.path} />;
}
