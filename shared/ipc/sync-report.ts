import type { SyncReport } from './app-schemas';

// "Sync now" in words that tell the truth: never "finished" when every send
// failed, and "nothing to send" only when nothing was waiting.

const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export function describeSync(
  counts: Record<string, number>,
  pending: number,
  lastError: string | null,
): SyncReport {
  const get = (kind: string) => counts[kind] ?? 0;
  const sent = get('sent');
  const acknowledged = get('acknowledged');
  const completed = get('completed');
  const rejected = get('rejected');
  const failed = get('retry_scheduled') + get('outcome_unknown') + get('failed');
  const base = { sent, acknowledged, completed, rejected, failed, pending };
  const settled = [
    completed > 0 ? `${completed} completed` : null,
    rejected > 0 ? `${rejected} rejected` : null,
    acknowledged > 0 ? `${acknowledged} pending at the head-end` : null,
  ].filter(Boolean);
  if (sent === 0 && failed === 0 && settled.length === 0) {
    if (pending === 0) return { ...base, outcome: 'nothing', message: 'Nothing to send: the queue is empty.' };
    return {
      ...base,
      outcome: lastError ? 'failed' : 'nothing',
      message: lastError ? `Nothing could be sent: ${lastError}. ${n(pending, 'request')} still waiting.` : `Nothing was due: ${n(pending, 'request')} waiting for their time or an operator.`,
    };
  }
  if (failed > 0 && sent <= failed && settled.length === 0) {
    return { ...base, outcome: 'failed', message: `Sync failed: ${n(failed, 'send')} did not go through${lastError ? ` (${lastError})` : ''}. ${n(pending, 'request')} still waiting.` };
  }
  const what = [sent > 0 ? `Sent ${sent}` : 'Checked the head-end', settled.length > 0 ? `: ${settled.join(', ')}` : '', failed > 0 ? `; ${failed} failed` : ''].join('');
  return { ...base, outcome: failed > 0 ? 'partly' : 'done', message: `${what}.${pending > 0 ? ` ${n(pending, 'request')} still waiting.` : ''}` };
}
