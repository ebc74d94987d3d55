import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Where the app is: path and query, as in the address bar. */
export interface Location {
  readonly path: string;
  readonly search: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): Location {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

/** Goes to `to` (a path with an optional query) without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

/** The current location; re-renders when it changes (links, back and forward). */
export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => {
      setLocation(current());
    };
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/** A real link (it opens in a new tab as usual) that navigates in place on a plain click. */
export function Link({
  to,
  children,
  ...rest
}: { readonly to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      {...rest}
      href={to}
      onClick={(event) => {
        rest.onClick?.(event);
        if (event.defaultPrevented || !isPlainClick(event)) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** Matches `path` against a pattern such as `/runs/:id`; the decoded parameters, or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (pattern === '/') return trimmed === '/' ? {} : null;
  const want = pattern.split('/');
  const got = trimmed.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return params;
}

/** Paths of the app's pages. */
export const paths = {
  home: () => '/',
  project: (name: string) => `/projects/${encodeURIComponent(name)}`,
  run: (id: string) => `/runs/${encodeURIComponent(id)}`,
  logs: (runId: string, taskId: string) =>
    `/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}/logs`,
  tests: (runId: string) => `/runs/${encodeURIComponent(runId)}/tests`,
  admin: () => '/admin',
};
