// A separate CA Desk-like process for the crash and lock tests. It talks to the
// parent through stdout lines, written synchronously so they leave before a kill.
//   hold <file>                      open the store, print "ready", wait to be killed
//   try-open <file>                  try to open, print {"opened":true} or {"error":name}
//   batches <file> <run> <size> <midRow>
//                                    enqueue batch after batch ("committed <batchId>");
//                                    with midRow >= 0, the second batch stops inside its
//                                    transaction after midRow rows ("mid <batchId>")
import fs from 'node:fs';
import { openStore } from '../store';
import { addProducts, headendId } from './temp-store';

const say = (line: string) => fs.writeSync(1, `${line}\n`);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

const [mode, file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: store-child <mode> <file> …');

if (mode === 'try-open') {
  try {
    openStore(file).close();
    say(JSON.stringify({ opened: true }));
  } catch (error) {
    say(JSON.stringify({ error: (error as Error).name, message: (error as Error).message }));
  }
} else if (mode === 'hold') {
  openStore(file);
  say('ready');
  for (;;) sleep(1000);
} else if (mode === 'batches') {
  const [run, size, midRow] = rest.map(Number) as [number, number, number];
  const store = openStore(file);
  say('ready');
  let n = 0;
  for (let batch = 0; ; batch++) {
    const batchId = `r${run}-b${batch}`;
    const inputs = Array.from({ length: size }, (_, i) => ({ ...addProducts({ serial_number: `card-${(n + i) % 997}` }), batchId }));
    n += size;
    const result = store.enqueue(inputs, {
      onRowWritten: (index) => {
        if (batch === 1 && index === midRow) {
          say(`mid ${batchId}`);
          for (;;) sleep(1000);
        }
      },
    });
    if (!result.ok) throw new Error('enqueue refused');
    say(`committed ${batchId}`);
    // Move some requests along, so kills also land in state changes.
    for (const [i, request] of store.claimDue(Date.now(), 50).entries()) {
      store.markSending(request.id);
      if (i % 3 === 0) store.markAcknowledged(request.id, { headend_id: headendId(request.id), number: String(request.id) });
      else if (i % 3 === 1) store.markFinal(request.id, 'COMPLETED', { headend_id: headendId(request.id), number: String(request.id) });
      // i % 3 === 2: left SENDING, as a crash would leave it
    }
  }
}
