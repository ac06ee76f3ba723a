import { describe, expect, it } from 'vitest';
import { COMMAND_CHANNELS, EVENT_CHANNELS } from './channels';
import { COMMANDS, EVENTS, parseCommandInput, parseCommandOutput, type CaDeskBridge } from './contract';
import { createValidatedApi } from './validated-client';

describe('IPC contract', () => {
  it('declares every channel of channels.ts with an input and an output schema', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual([...COMMAND_CHANNELS].sort());
    expect(Object.keys(EVENTS).sort()).toEqual([...EVENT_CHANNELS].sort());
  });

  it('refuses bad input with field errors', () => {
    const bad = parseCommandInput('requests.get', { id: 'seven' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('INVALID_INPUT');
      expect(bad.error.fields?.map((f) => f.field)).toContain('id');
    }
    const extra = parseCommandInput('requests.get', { id: 7, sneaky: true });
    expect(extra.ok).toBe(false);
    const badPassword = parseCommandInput('settings.set', { password: '' });
    expect(badPassword.ok).toBe(false);
    expect(parseCommandInput('requests.enqueue', { requests: [] }).ok).toBe(false);
  });

  it('takes the operator\'s verification of an unknown outcome: a head-end number or none, nothing else', () => {
    expect(parseCommandInput('requests.confirmArrived', { id: 7, number: '18571', reason: 'found it' }).ok).toBe(true);
    expect(parseCommandInput('requests.confirmArrived', { id: 7 }).ok).toBe(true);
    const bad = parseCommandInput('requests.confirmArrived', { id: 7, number: '18 571; x' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.fields?.map((f) => f.field)).toContain('number');
    expect(parseCommandInput('requests.confirmNotArrived', { id: 7, reason: 'not there' }).ok).toBe(true);
    expect(parseCommandInput('requests.confirmNotArrived', { id: 7, number: '1' }).ok).toBe(false);
  });

  it('applies defaults to input', () => {
    const list = parseCommandInput('requests.list', {});
    expect(list).toEqual({ ok: true, value: { filter: {}, limit: 200 } });
    expect(parseCommandInput('requests.list', { afterId: 0 }).ok).toBe(false);
    expect(parseCommandInput('sync.now', undefined).ok).toBe(true);
  });

  it('refuses malformed output', () => {
    const out = parseCommandOutput('requests.counts', { byState: { QUEUED: -1 }, total: 1, needsAttention: 0 });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.code).toBe('INVALID_OUTPUT');
  });
});

describe('validated client (the renderer side)', () => {
  function recordingTransport(answer: unknown) {
    const sent: { channel: string; input: unknown }[] = [];
    const transport: CaDeskBridge = {
      invoke: async (channel, input) => {
        sent.push({ channel, input });
        return answer;
      },
      on: () => () => {},
    };
    return { transport, sent };
  }

  it('never sends input the contract refuses', async () => {
    const { transport, sent } = recordingTransport({ ok: true, value: {} });
    const api = createValidatedApi(transport);
    const result = await api.invoke('catalog.search', { kind: 'planets' as never, text: 'x' });
    expect(result.ok).toBe(false);
    expect(sent).toHaveLength(0);
  });

  it('refuses an answer that breaks the output schema', async () => {
    const { transport, sent } = recordingTransport({ ok: true, value: { byState: {}, total: 'many', needsAttention: 0 } });
    const api = createValidatedApi(transport);
    const result = await api.invoke('requests.counts', {});
    expect(sent).toHaveLength(1);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_OUTPUT');
  });

  it('refuses an answer that is not a result at all, and passes errors through', async () => {
    const api1 = createValidatedApi(recordingTransport('hello').transport);
    const r1 = await api1.invoke('sync.status', {});
    expect(r1.ok).toBe(false);
    const error = { ok: false, error: { code: 'NOT_FOUND', message: 'no request 9' } };
    const api2 = createValidatedApi(recordingTransport(error).transport);
    expect(await api2.invoke('requests.get', { id: 9 })).toEqual(error);
  });

  it('turns a refusal with a malformed error into a clear client-side error', async () => {
    for (const error of [{ code: 42 }, { code: 'NOT_A_CODE', message: 'x' }, { message: 'no code' }, { code: 'NOT_FOUND', message: 'x', extra: '<script>' }]) {
      const api = createValidatedApi(recordingTransport({ ok: false, error }).transport);
      const result = await api.invoke('requests.get', { id: 9 });
      expect(result).toEqual({ ok: false, error: { code: 'INVALID_OUTPUT', message: 'requests.get: the answer is a refusal without a valid error' } });
    }
  });
});
