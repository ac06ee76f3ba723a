import { useEffect, useState } from 'react';

// Hash routes (#/queue, #/request/42, #/card/<key>): they work the same on
// app://ca-desk/index.html and on the browser bridge, with no server routing.

export type Route =
  | { screen: 'queue' }
  | { screen: 'compose'; provider?: string; method?: string; fromId?: number; prefill?: Record<string, unknown> }
  | { screen: 'bulk' }
  | { screen: 'attention' }
  | { screen: 'request'; id: number }
  | { screen: 'card'; card: string }
  | { screen: 'dashboard' }
  | { screen: 'report' }
  | { screen: 'settings' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((p) => decodeURIComponent(p));
  switch (parts[0]) {
    case 'compose': {
      const fromId = parts[3] === 'from' ? Number(parts[4]) : NaN;
      const prefill = parts[3] === 'with' ? parsePrefill(parts.slice(4).join('/')) : null;
      return {
        screen: 'compose',
        provider: parts[1] || undefined,
        method: parts[2] || undefined,
        ...(Number.isInteger(fromId) && fromId > 0 ? { fromId } : {}),
        ...(prefill ? { prefill } : {}),
      };
    }
    case 'bulk':
      return { screen: 'bulk' };
    case 'attention':
      return { screen: 'attention' };
    case 'request': {
      const id = Number(parts[1]);
      return Number.isInteger(id) && id > 0 ? { screen: 'request', id } : { screen: 'queue' };
    }
    case 'card':
      return parts[1] ? { screen: 'card', card: parts.slice(1).join('/') } : { screen: 'queue' };
    case 'dashboard':
      return { screen: 'dashboard' };
    case 'report':
      return { screen: 'report' };
    case 'settings':
      return { screen: 'settings' };
    default:
      return { screen: 'queue' };
  }
}

/** A compose link's prefilled body (from the card desk); anything but a JSON object is ignored. */
function parsePrefill(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function routeHref(route: Route): string {
  switch (route.screen) {
    case 'request':
      return `#/request/${route.id}`;
    case 'card':
      return `#/card/${encodeURIComponent(route.card)}`;
    case 'compose':
      if (!route.provider) return '#/compose';
      if (route.prefill) return `#/compose/${route.provider}/${route.method ?? ''}/with/${encodeURIComponent(JSON.stringify(route.prefill))}`;
      return `#/compose/${route.provider}/${route.method ?? ''}${route.fromId ? `/from/${route.fromId}` : ''}`;
    default:
      return `#/${route.screen}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

/** What the screen shown would lose if left now (Bulk while queueing), or null: asked before any route change. */
let leaveWarning: string | null = null;

/** While `warning` is not null, leaving the screen asks the operator first (one screen is shown at a time). */
export function useLeaveWarning(warning: string | null): void {
  useEffect(() => {
    leaveWarning = warning;
    return () => {
      leaveWarning = null;
    };
  }, [warning]);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (event: HashChangeEvent) => {
      // A link or a shortcut has already changed the hash: staying puts the old one back (no second hashchange).
      if (leaveWarning !== null && !window.confirm(leaveWarning)) return window.history.replaceState(null, '', event.oldURL);
      setRoute(parseRoute(window.location.hash));
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
