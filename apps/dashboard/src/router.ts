// A router of a few lines: the dashboard lives under /ui/ and the api answers index.html for every path there.
import { useEffect, useState } from 'react';

export const BASE = '/ui';

export type Route =
  | { name: 'overview' }
  | { name: 'deployment'; id: string }
  | { name: 'history'; app: string; environment: string }
  | { name: 'new'; app?: string; environment?: string }
  | { name: 'audit' };

export function parseRoute(pathname: string, search: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  if (parts[0] === 'deployments' && parts[1]) return { name: 'deployment', id: parts[1] };
  if (parts[0] === 'apps' && parts[1] && parts[2] === 'environments' && parts[3]) return { name: 'history', app: parts[1], environment: parts[3] };
  if (parts[0] === 'new') return { name: 'new', app: query.get('app') ?? undefined, environment: query.get('environment') ?? undefined };
  if (parts[0] === 'audit') return { name: 'audit' };
  return { name: 'overview' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'overview':
      return `${BASE}/`;
    case 'deployment':
      return `${BASE}/deployments/${encodeURIComponent(route.id)}`;
    case 'history':
      return `${BASE}/apps/${encodeURIComponent(route.app)}/environments/${encodeURIComponent(route.environment)}`;
    case 'new': {
      const q = new URLSearchParams();
      if (route.app) q.set('app', route.app);
      if (route.environment) q.set('environment', route.environment);
      const s = q.toString();
      return `${BASE}/new${s ? `?${s}` : ''}`;
    }
    case 'audit':
      return `${BASE}/audit`;
  }
}

const listeners = new Set<() => void>();

export function navigate(to: string): void {
  history.pushState(null, '', to);
  for (const fn of listeners) fn();
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const read = () => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** A plain left click on an in-app link navigates without a page load; other clicks keep browser behaviour. */
export function onLinkClick(e: React.MouseEvent<HTMLAnchorElement>): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href') ?? `${BASE}/`);
}
