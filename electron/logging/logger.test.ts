import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDACTED, SECRET_FIELD_NAMES } from '../../shared/domain/secrets';
import { consoleSink, createLogger, formatRecord, logLevelFromEnv, type LogRecord } from './logger';

function collect(level?: Parameters<typeof createLogger>[0]['level']) {
  const records: LogRecord[] = [];
  const logger = createLogger({ level, sink: (r) => records.push(r), now: () => 1_000 });
  // Everything a sink could print: the record as JSON and as a text line.
  const printed = () => records.map((r) => `${JSON.stringify(r)}\n${formatRecord(r)}`).join('\n');
  return { logger, records, printed };
}

describe('the logger never lets a declared secret reach its sink', () => {
  it('redacts secrets written into the message, in every way a body or query string writes them', () => {
    const { logger, records, printed } = collect();
    logger.warn('login answered: {"username":"operator","password":"hunter2"}');
    logger.warn('sent pin=4821&serial=S1');
    logger.error("params: { pin: '7316', ca_pin: \"9052\" }");
    logger.info('Authorization token: TOKEN-8c1f, then more');
    const text = printed();
    for (const secret of ['hunter2', '4821', '7316', '9052', 'TOKEN-8c1f']) expect(text).not.toContain(secret);
    // What is not a secret stays readable.
    expect(records.map((r) => r.message)).toEqual([
      `login answered: {"username":"operator","password":${REDACTED}}`,
      `sent pin=${REDACTED}&serial=S1`,
      `params: { pin: ${REDACTED}, ca_pin: ${REDACTED} }`,
      `Authorization token: ${REDACTED}, then more`,
    ]);
  });

  it('redacts secret-named context fields at any depth, and secrets written in context text or errors', () => {
    const { logger, records, printed } = collect();
    logger.warn('not sent', {
      requestId: 7,
      provider: 'nagravision',
      attempt: 2,
      params: { pin: '2468', smartcard_identifier: { serial_number: 'smrt1' }, list: [{ password: 'pw-9' }] },
      ca_pin: '1357',
      detail: 'body was pin: 8642',
      cause: new Error('refused token=abc-123'),
    });
    const text = printed();
    for (const secret of ['2468', 'pw-9', '1357', '8642', 'abc-123']) expect(text).not.toContain(secret);
    expect(records[0]!.context).toMatchObject({
      requestId: 7,
      provider: 'nagravision',
      attempt: 2,
      params: { pin: REDACTED, smartcard_identifier: { serial_number: 'smrt1' }, list: [{ password: REDACTED }] },
      ca_pin: REDACTED,
      detail: `body was pin: ${REDACTED}`,
      cause: `refused token=${REDACTED}`,
    });
  });

  it('covers every name the secrets registry declares, in the message and as a context key', () => {
    const { logger, printed } = collect();
    SECRET_FIELD_NAMES.forEach((name, i) => {
      logger.warn(`${name}=Zq${i}x9 and "${name}": "Yq${i}x8"`, { [name]: `Xq${i}x7`, nested: { [name]: `Wq${i}x6` } });
    });
    expect(printed()).not.toMatch(/[ZYXW]q\d+x\d/);
  });

  it('takes a quoted value whole, escaped quotes included', () => {
    const { logger, records, printed } = collect();
    logger.warn(String.raw`body {"password":"q\"uote-7788","unit":"U1"} and token='it\'s-5566'`);
    expect(printed()).not.toMatch(/7788|5566/);
    expect(records[0]!.message).toBe(`body {"password":${REDACTED},"unit":"U1"} and token=${REDACTED}`);
  });

  it('leaves text that only mentions a secret field alone', () => {
    const { logger, records } = collect();
    logger.warn('PIN must be exactly 4 digits', { field: 'pin' });
    expect(records[0]).toEqual({ at: 1_000, level: 'warn', message: 'PIN must be exactly 4 digits', context: { field: 'pin' } });
  });
});

describe('context', () => {
  it('a child carries its context on every line, merged with the line own fields, and redacts it too', () => {
    const { logger, records } = collect();
    const sync = logger.child({ component: 'sync', token: 'tok-1' });
    const request = sync.child({ requestId: 12, provider: 'conax' });
    request.info('acknowledged', { attempt: 1 });
    sync.warn('pass failed');
    expect(records.map((r) => r.context)).toEqual([
      { component: 'sync', token: REDACTED, requestId: 12, provider: 'conax', attempt: 1 },
      { component: 'sync', token: REDACTED },
    ]);
    expect(formatRecord(records[0]!)).toBe(`sync: acknowledged token=${REDACTED} requestId=12 provider=conax attempt=1`);
  });
});

describe('levels', () => {
  it('drops lines below the threshold (info by default)', () => {
    const byDefault = collect();
    const strict = collect('warn');
    const verbose = collect('debug');
    for (const { logger } of [byDefault, strict, verbose]) {
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      logger.child({ component: 'x' }).debug('child d');
    }
    expect(byDefault.records.map((r) => r.message)).toEqual(['i', 'w', 'e']);
    expect(strict.records.map((r) => r.message)).toEqual(['w', 'e']);
    expect(verbose.records.map((r) => r.message)).toEqual(['d', 'i', 'w', 'e', 'child d']);
  });

  it('takes the threshold from CADESK_LOG_LEVEL, and info for anything else', () => {
    expect(logLevelFromEnv({ CADESK_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevelFromEnv({ CADESK_LOG_LEVEL: ' WARN ' })).toBe('warn');
    expect(logLevelFromEnv({ CADESK_LOG_LEVEL: 'verbose' })).toBe('info');
    expect(logLevelFromEnv({})).toBe('info');
  });
});

describe('the console sink', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes to stderr, where the back end has always logged (console.warn, console.error for errors)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const stdout = vi.spyOn(console, 'log').mockImplementation(() => {});
    const logger = createLogger({ sink: consoleSink, level: 'debug' }).child({ component: 'sync' });
    logger.info('logged in', { provider: 'conax' });
    logger.error('pass failed: pin=1234');
    expect(warn.mock.calls).toEqual([['INFO sync: logged in provider=conax']]);
    expect(error.mock.calls).toEqual([[`ERROR sync: pass failed: pin=${REDACTED}`]]);
    expect(stdout).not.toHaveBeenCalled();
  });
});
