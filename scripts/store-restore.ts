import { listBackups, restoreBackup } from '../electron/store/backups';
import { openStore } from '../electron/store/store';

// npm run store:restore -- <store file> [<backup file>]
//
// Puts a backup (default: the newest in <store>.backups/) in place of the
// store, after checking it (quick_check, history chain). Close CA Desk first.
// The replaced store is kept as <store>.backups/ca-desk-<time>-before-restore.sqlite
// (rotated with the others): restoring that one undoes the restore.
// With --list, only lists the backups, newest first.

const args = process.argv.slice(2);
const file = args[0];
if (file === undefined || args.length > 2) {
  process.stderr.write('usage: npm run store:restore -- <store file> [<backup file> | --list]\n');
  process.exit(2);
}
if (args[1] === '--list') {
  for (const b of listBackups(file)) process.stdout.write(`${b}\n`);
  process.exit(0);
}
try {
  const { restored, keptAside } = restoreBackup(file, args[1]);
  // Opening writes a fresh marker and proves the restored store opens.
  const store = openStore(file);
  // Anything still to send may have been sent after the backup: the operator verifies each.
  const held = store.holdOutboxAfterRestore();
  const total = Object.values(store.countByState()).reduce((a, b) => a + b, 0);
  store.close();
  process.stdout.write(`restored ${restored} into ${file} (${total} requests)${keptAside ? `; the replaced store is kept as ${keptAside}` : ''}\n`);
  if (held > 0) process.stdout.write(`${held} request(s) still to send are held in Needs attention: verify each at the head-end before it is sent again\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
