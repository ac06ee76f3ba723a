import { cardIdentityOf } from '../domain/card-identity';
import { findRequestDefinition } from '../domain/request-catalog';
import type { FieldError } from '../domain/validation';
import type { CsvRow } from './bulk-rows';

// What the dry run of a bulk file shows, counted row by row as the file is
// read: totals, every invalid row (up to a bound), the first valid ones, and
// the valid rows by request type and distinct card — what the operator
// confirms before a big file is queued.

/** Above this many valid rows, Bulk asks for a confirmation showing counts by type and card. */
export const BULK_CONFIRM_ABOVE = 100;
const SHOWN_VALID_ROWS = 20;
const SHOWN_INVALID_ROWS = 5000;

export interface BulkRowResult {
  /** 1-based line in the file, counting the header as line 1. */
  line: number;
  provider: string;
  method: string;
  errors: FieldError[];
}

export interface BulkSummary {
  total: number;
  valid: number;
  invalid: number;
  /** The invalid rows (up to 5,000) and the first valid ones, by line. */
  rows: BulkRowResult[];
  /** Errors about the file itself (missing columns, unknown headers, not a CSV at all). */
  fileErrors: string[];
  /** Why the file is no CSV at all (binary, not UTF-8), or null. */
  notCsv: string | null;
  /** Valid rows by request type, and how many distinct cards they name. */
  byType: Record<string, number>;
  cards: number;
}

export class BulkTally {
  private total = 0;
  private valid = 0;
  private readonly shown: BulkRowResult[] = [];
  private shownValid = 0;
  private shownInvalid = 0;
  private readonly byType: Record<string, number> = {};
  /** One entry per distinct card named: the only part that grows with the file. */
  private readonly cards = new Set<string>();

  add(row: CsvRow): void {
    this.total += 1;
    const { line, provider, method, errors } = row;
    if (errors.length > 0) {
      if (this.shownInvalid++ < SHOWN_INVALID_ROWS) this.shown.push({ line, provider, method, errors });
      return;
    }
    this.valid += 1;
    if (this.shownValid++ < SHOWN_VALID_ROWS) this.shown.push({ line, provider, method, errors });
    const definition = findRequestDefinition(provider, method);
    const type = definition?.type ?? method;
    this.byType[type] = (this.byType[type] ?? 0) + 1;
    const card = definition ? cardIdentityOf(definition, row.params) : null;
    this.cards.add(card ? `${card.kind}:${card.field}:${card.value}` : 'none');
  }

  summary(fileErrors: readonly string[], notCsv: string | null): BulkSummary {
    return {
      total: this.total,
      valid: this.valid,
      invalid: this.total - this.valid,
      rows: this.shown,
      fileErrors: [...fileErrors],
      notCsv,
      byType: { ...this.byType },
      cards: this.cards.size,
    };
  }
}
