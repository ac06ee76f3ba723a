import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { exportAudit, verifyAuditChain, verifyExportedAudit, type AuditReport } from '../electron/store/audit-chain';
import { readMarker } from '../electron/store/store-marker';

// npm run audit:verify -- <store file | audit export .json> [--export csv|json]
//
// Checks the request history's hash chain (electron/store/audit-chain.ts): of a
// store file (read-only; close CA Desk first, it holds the store exclusively),
// against the anchor in the marker beside it, or of an exported JSON audit, so
// an auditor can verify offline. --export writes the history with its chain to
// stdout. Exit code 0: intact; 1: tampering found; 2: could not check.

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run audit:verify -- <store file | audit export .json> [--export csv|json]\n`);
  process.exit(2);
}

function print(source: string, report: AuditReport): void {
  if (report.ok) {
    process.stdout.write(`${source}: history intact, ${report.count} events, chain head ${report.head}\n`);
    return;
  }
  process.stdout.write(`${source}: history TAMPERED (${report.problems.length} problem(s)):\n`);
  for (const p of report.problems) process.stdout.write(`  - ${p}\n`);
}

const args = process.argv.slice(2);
const exportAt = args.indexOf('--export');
let format: 'csv' | 'json' | null = null;
if (exportAt >= 0) {
  const f = args[exportAt + 1];
  if (f !== 'csv' && f !== 'json') usage('--export takes csv or json');
  format = f;
  args.splice(exportAt, 2);
}
const source = args[0];
if (args.length !== 1 || source === undefined) usage('name one store file or one audit export');
if (!existsSync(source)) usage(`${source} does not exist`);

if (source.endsWith('.json') && format === null) {
  const report = verifyExportedAudit(readFileSync(source, 'utf8'));
  print(source, report);
  process.exit(report.ok ? 0 : 1);
}

let db: Database.Database;
try {
  db = new Database(source, { readonly: true, fileMustExist: true });
  db.pragma('schema_version'); // reads the header: fails here on a locked or non-SQLite file
} catch (error) {
  usage(`${source} could not be opened read-only (${(error as Error).message}); close CA Desk first, or check a backup copy`);
}
try {
  if (format !== null) {
    for (const piece of exportAudit(db, format)) process.stdout.write(piece);
  } else {
    const report = verifyAuditChain(db, { anchor: readMarker(source)?.chain ?? null });
    print(source, report);
    process.exitCode = report.ok ? 0 : 1;
  }
} finally {
  db.close();
}
