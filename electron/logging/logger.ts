import { REDACTED, redactSecrets, SECRET_FIELD_NAMES } from '../../shared/domain/secrets';

// The one logger of the back end (sync engine, services, runtime, sandbox).
// A line has a level and a context (request id, provider, attempt…) that a
// child logger carries, so a call site names what it is about once. Every
// line is redacted before any sink sees it: context fields named as secrets
// (shared/domain/secrets.ts) become "[redacted]" at any depth, and so does a
// secret written into text as `name: value`, `name=value` or `"name":"value"`
// (a body or query string pasted into a message). A sink never receives
// anything else, so no sink can print a declared secret.

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a line is about. The named keys are the usual ones; any other may be added. */
export interface LogContext {
  requestId?: number | string;
  provider?: string;
  attempt?: number;
  /** The part of the back end speaking (sync, sandbox, query answers…). */
  component?: string;
  [key: string]: unknown;
}

/** A line as a sink receives it: already redacted. */
export interface LogRecord {
  at: number;
  level: LogLevel;
  message: string;
  context: Record<string, unknown>;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
  /** A logger that adds `context` to every line (a child's keys win over its parent's). */
  child(context: LogContext): Logger;
}

export interface LoggerOptions {
  sink: LogSink;
  /** Lines below this level are dropped (default: info). */
  level?: LogLevel;
  context?: LogContext;
  now?: () => number;
}

/** The environment variable that sets the threshold of the default loggers. */
export const LOG_LEVEL_ENV = 'CADESK_LOG_LEVEL';

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/** The threshold named by CADESK_LOG_LEVEL, or info. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const value = env[LOG_LEVEL_ENV]?.trim().toLowerCase();
  return isLogLevel(value) ? value : 'info';
}

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// `pin: 1234`, `pin=1234`, `"pin":"1234"`, `'pin': '1 2'`: the name, an optional
// closing quote, `:` or `=`, then a quoted value or a bare word.
const SECRET_IN_TEXT = new RegExp(
  `(\\b(?:${SECRET_FIELD_NAMES.map(escape).join('|')})\\b["']?\\s*[:=]\\s*)(?:"(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'|[^\\s"',;&}\\])]+)`,
  'gi',
);

/** `text` with the value of every `secret-name: value` pair replaced by "[redacted]". */
export function redactText(text: string): string {
  return text.replace(SECRET_IN_TEXT, `$1${REDACTED}`);
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) return redactText(value.message);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)]));
  }
  return value;
}

/** The context with secret-named fields replaced (any depth) and secrets written in its text redacted. */
export function redactContext(context: LogContext): Record<string, unknown> {
  return redactSecrets(redactValue(context) as Record<string, unknown>);
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(options: LoggerOptions): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const base = options.context ?? {};
  const write = (level: LogLevel, message: string, context?: LogContext) => {
    if (RANK[level] < threshold) return;
    const record: LogRecord = {
      at: now(),
      level,
      message: redactText(String(message)),
      context: redactContext(context ? { ...base, ...context } : base),
    };
    options.sink(record);
  };
  return {
    debug: (message, context) => write('debug', message, context),
    info: (message, context) => write('info', message, context),
    warn: (message, context) => write('warn', message, context),
    error: (message, context) => write('error', message, context),
    child: (context) => createLogger({ ...options, context: { ...base, ...context } }),
  };
}

/** One line of text: `[component] message key=value …` (the level is the sink's business). */
export function formatRecord(record: LogRecord): string {
  const { component, ...rest } = record.context;
  const fields = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const prefix = typeof component === 'string' ? `${component}: ` : '';
  return [`${prefix}${record.message}`, ...fields].join(' ');
}

/** Where the back end's lines have always gone: the process's stderr (console.warn / console.error). */
export const consoleSink: LogSink = (record) => {
  const line = `${record.level.toUpperCase()} ${formatRecord(record)}`;
  if (record.level === 'error') console.error(line);
  else console.warn(line);
};

/** The default logger: stderr, threshold from CADESK_LOG_LEVEL (info when unset). */
export function consoleLogger(): Logger {
  return createLogger({ sink: consoleSink, level: logLevelFromEnv() });
}

/** Drops every line (tests and benches that want quiet). */
export const silentLogger: Logger = createLogger({ sink: () => {}, level: 'error' });

/** The context of a line about one request. */
export function aboutRequest(request: { id: number; provider: string; attempts: number }): LogContext {
  return { requestId: request.id, provider: request.provider, attempt: request.attempts };
}
