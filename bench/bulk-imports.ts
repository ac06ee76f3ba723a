import type { Page } from '@playwright/test';
import { on } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { BULK_CONFIRM_ABOVE } from '../shared/bulk/bulk-tally';
import { BULK_BATCH_ROWS } from '../shared/ipc/app-schemas';
import { check } from './bench-report';

// The UI bench's two bulk imports (ui.bench.ts): batches posted to the bridge
// from a client thread, and a CSV file on disk chosen, checked, confirmed and
// queued through the Bulk screen as an operator does it, while the page's
// main thread is watched for blocks.

export type ImportAnswer = { ok: boolean; queued?: number; message?: string };

/**
 * Queues `rows` requests over the real bridge, bulk.queueBatch after
 * bulk.queueBatch as the Bulk screen does, from a client in its own thread: in
 * use the client is a browser or Electron renderer, another process, so only
 * the bridge and the back-end host run on the measured loop.
 */
export async function importFromClientThread(url: string, cookie: string, rows: number, prefix: string, start: () => void): Promise<ImportAnswer> {
  const client = new Worker(
    `const { parentPort, workerData: w } = require('node:worker_threads');
     const rows = [];
     for (let i = 0; i < w.rows; i++) rows.push({ line: i + 2, provider: 'conax', method: 'send_mail_message_to_client',
       params: { smartcard_identifier: { serial_number: w.prefix + String(i).padStart(7, '0') }, message_text: 'notice ' + i, scheduled_date: '2099-12-31T00:00:00' } });
     const batchId = 'bulk-' + require('node:crypto').randomUUID();
     parentPort.once('message', async () => {
       let queued = 0;
       try {
         for (let b = 0; b < rows.length; b += w.batch) {
           const body = JSON.stringify({ batchId, rows: rows.slice(b, b + w.batch) });
           const r = await (await fetch(w.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: w.cookie }, body })).json();
           if (!r.ok) return parentPort.postMessage({ ok: false, queued, message: r.error && r.error.message });
           queued += r.value.queued;
         }
         parentPort.postMessage({ ok: true, queued });
       } catch (e) {
         parentPort.postMessage({ ok: false, queued, message: String(e) });
       }
     });
     parentPort.postMessage('ready');`,
    { eval: true, workerData: { url, cookie, rows, prefix, batch: BULK_BATCH_ROWS } },
  );
  try {
    const answers = on(client, 'message');
    await answers.next();
    start();
    client.postMessage('go');
    const { value } = await answers.next();
    return (value as [ImportAnswer])[0];
  } finally {
    await client.terminate();
  }
}

/** Writes `rows` valid rows (mail messages to distinct cards, scheduled far ahead) to `file`; returns its size in bytes. */
export function writeBulkCsv(file: string, rows: number, prefix: string): number {
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    let lines = ['provider,method,smartcard_identifier.serial_number,message_text,scheduled_date'];
    for (let i = 0; i < rows; i++) {
      lines.push(`conax,send_mail_message_to_client,${prefix}${String(i).padStart(7, '0')},"notice ${i}, from the bench",2099-12-31T00:00:00`);
      if (lines.length === 10_000 || i === rows - 1) {
        bytes += writeSync(fd, lines.join('\n') + '\n');
        lines = [];
      }
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

export interface PageImport {
  ok: boolean;
  queued?: number;
  message?: string;
  /** Check click to the preview, then Queue click to the "Queued" line, and both (ms). */
  checkMs: number;
  queueMs: number;
  totalMs: number;
  /** Tasks over 50 ms the page's PerformanceObserver saw, and the longest (0 when none). */
  longTasks: number;
  longestTask: number;
  longTasksByPhase: string;
  /** How late a 10 ms timer fired at worst: the longest block any task caused. */
  timerLate: number;
  longestFrameGap: number;
  /** The larger of longestTask and timerLate. */
  longestBlock: number;
}

interface Watch {
  /** [start, duration] of each long task, in the page's time. */
  longTasks: [number, number][];
  timerLate: number;
  frameGap: number;
  on: boolean;
}

export async function importFromBulkScreen(page: Page, file: string, rows: number): Promise<PageImport> {
  await page.evaluate(() => (location.hash = '#/bulk'));
  await page.getByRole('heading', { level: 1, name: 'Bulk import' }).waitFor();
  await page.getByTestId('bulk-file').setInputFiles(file);
  await page.evaluate(() => {
    const watch: Watch = { longTasks: [], timerLate: 0, frameGap: 0, on: true };
    (window as unknown as { __bulkWatch: Watch }).__bulkWatch = watch;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) watch.longTasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask' });
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      watch.timerLate = Math.max(watch.timerLate, now - last - 10);
      last = now;
    }, 10);
    // No named functions in here: tsx would wrap them in a helper the page lacks.
    void (async () => {
      let lastFrame = 0;
      while (watch.on) {
        const t = await new Promise<number>((r) => requestAnimationFrame(r));
        if (lastFrame > 0) watch.frameGap = Math.max(watch.frameGap, t - lastFrame);
        lastFrame = t;
      }
      clearInterval(timer);
    })();
  });

  const t0 = performance.now();
  await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
  const heading = page.getByTestId('bulk-preview').getByRole('heading');
  await heading.filter({ hasText: / rows?: / }).waitFor({ timeout: 15 * 60_000 });
  const checkMs = performance.now() - t0;
  const checkEnd = await page.evaluate(() => performance.now());
  const expected = `${rows.toLocaleString('en-US')} rows: ${rows.toLocaleString('en-US')} valid, 0 with errors`;
  check((await heading.textContent()) === expected, `the check of ${rows} rows shows "${await heading.textContent()}", expected "${expected}"`);

  const t1 = performance.now();
  await page.getByRole('button', { name: /^Queue [\d,]+ valid rows?$/ }).click();
  if (rows > BULK_CONFIRM_ABOVE) await page.getByTestId('bulk-confirm').getByRole('button', { name: /^Yes, queue/ }).click();
  const result = page.getByTestId('bulk-result');
  await result.filter({ hasText: /^(Queued|Stopped|Cancelled|Nothing)/ }).waitFor({ timeout: 30 * 60_000 });
  const queueMs = performance.now() - t1;
  const text = (await result.textContent()) ?? '';

  const watch = await page.evaluate(async () => {
    const w = (window as unknown as { __bulkWatch: Watch }).__bulkWatch;
    // One more frame and timer tick, so a block that just ended is counted.
    await new Promise((r) => setTimeout(r, 100));
    w.on = false;
    return w;
  });
  const longest = (tasks: [number, number][]) => Math.max(0, ...tasks.map(([, d]) => d));
  const longestTask = longest(watch.longTasks);
  const inCheck = watch.longTasks.filter(([start]) => start < checkEnd);
  const inQueue = watch.longTasks.filter(([start]) => start >= checkEnd);
  const queued = /^Queued ([\d,]+) requests?/.exec(text)?.[1];
  return {
    ok: queued !== undefined,
    queued: queued === undefined ? undefined : Number(queued.replace(/,/g, '')),
    message: text,
    checkMs,
    queueMs,
    totalMs: checkMs + queueMs,
    longTasks: watch.longTasks.length,
    longestTask,
    longTasksByPhase: `${inCheck.length} while checking (longest ${longest(inCheck).toFixed(0)} ms), ${inQueue.length} while queueing (longest ${longest(inQueue).toFixed(0)} ms)`,
    timerLate: watch.timerLate,
    longestFrameGap: watch.frameGap,
    longestBlock: Math.max(longestTask, watch.timerLate),
  };
}
