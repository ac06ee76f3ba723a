import { createLogger, formatRecord, type Logger, type LogLevel } from '../logger';

/** TEST-ONLY: a logger whose lines (as text, redacted) land in `lines`. */
export function lineLogger(lines: string[], level: LogLevel = 'debug'): Logger {
  return createLogger({ level, sink: (record) => lines.push(formatRecord(record)) });
}
