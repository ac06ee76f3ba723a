import { LOCAL_STATES, LOCAL_STATE_TABLE, type LocalState } from '../../shared/domain/life-cycle';
import type { ShiftReport } from '../../shared/ipc/report-schemas';
import type { Store } from '../store/store';
import { toSummary } from './request-view';

// reports.shift: what a shift did, for the operator's hand-over — requests
// created in the period by state and by type, its failures with the head-end's
// reasons, and what is still pending now (whenever it was queued).

const PAGE = 5000;
const MAX_LISTED = 500;
// Failures: what needs (or needed) an operator; pending: what is not finished (life-cycle.ts).
const FAILED: readonly LocalState[] = LOCAL_STATES.filter((state) => LOCAL_STATE_TABLE[state].attention !== 'no');
const PENDING: readonly LocalState[] = LOCAL_STATES.filter((state) => !LOCAL_STATE_TABLE[state].finished);

export async function shiftReport(store: Store, operator: string, from: number, to: number, now = Date.now()): Promise<ShiftReport> {
  const byState: Record<string, number> = {};
  const byType: Record<string, number> = {};
  const failures: ShiftReport['failures'] = [];
  let total = 0;
  let afterId: number | undefined;
  for (;;) {
    const page = store.listRequests({ from, to, afterId, limit: PAGE, order: 'asc' });
    for (const r of page) {
      total += 1;
      byState[r.local_state] = (byState[r.local_state] ?? 0) + 1;
      byType[r.type] = (byType[r.type] ?? 0) + 1;
      if (FAILED.includes(r.local_state) && failures.length < MAX_LISTED) failures.push(toSummary(r));
    }
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
    // Long periods: let other calls through between pages.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const counts = store.countByState();
  const stillPending = store.listRequests({ states: [...PENDING], limit: MAX_LISTED, order: 'asc' }).map(toSummary);
  return {
    operator,
    from,
    to,
    generatedAt: now,
    total,
    byState,
    byType,
    failures,
    pendingCount: PENDING.reduce((sum, s) => sum + (counts[s] ?? 0), 0),
    stillPending,
  };
}
