import { createContext, useContext } from 'react';
import type { Counts } from '../../shared/ipc/request-schemas';
import { useQuery } from './api-context';

// The app keeps one live count of requests per state (sidebar badge, status
// bar); screens that show counts read that one instead of asking the back end
// again each time they open, which would queue a count of the whole table
// ahead of the screen's first rows.

const CountsContext = createContext<{ counts: Counts | null } | null>(null);

export const CountsProvider = CountsContext.Provider;

/** The app-wide request counts; outside a CountsProvider, a query of its own. */
export function useRequestCounts(): Counts | null {
  const shared = useContext(CountsContext);
  const own = useQuery('requests.counts', shared ? null : {}, shared ? [] : ['requests.changed'], 400);
  return shared ? shared.counts : own.data;
}
