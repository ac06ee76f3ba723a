import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '../protocol/frame-codec';
import { DEFAULT_SEED } from './headend-options';
import { createPrng } from './seed-catalog';
import { startFixture, type Fixture } from './testing/headend-fixture';
import { FrameProbe, httpCall } from './testing/sandbox-probe';

const body = (token: string) => ({
  token,
  subscription_identifier: { number: 'S60507' },
  smartcard_identifier: { serial_number: 'smrt20000054' },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault knobs, observed from a client', () => {
  let fx: Fixture;
  let token: string;
  const start = async (options: Parameters<typeof startFixture>[0] = {}) => {
    fx = await startFixture({ processingPaused: true, ...options });
    token = await fx.login();
  };
  afterEach(() => fx.stop());
  const dest = () => fx.headend.destinationId;
  const setFaultsOverHttp = (faults: Record<string, unknown>) =>
    httpCall(fx.headend.baseUrl, 'POST', '/sandbox/control/faults', faults);

  it('answers out of order with jitter, every answer matched by sequence_number', async () => {
    // The jitter is drawn from a generator seeded with the head-end's seed: the
    // same delays on every run. Frames sent in one write are read together, so
    // the answer held longest comes after ones sent later, whatever the load.
    const random = createPrng(DEFAULT_SEED);
    const delays = Array.from({ length: 20 }, () => Math.floor(random() * 41));
    expect(delays.slice(0, 5).some((d, i) => d - Math.min(...delays.slice(i + 1)) >= 20)).toBe(true);
    await start({ answerJitterMs: 40, seed: DEFAULT_SEED });
    const probe = await fx.probe();
    const sent = probe.sendTogether('clear_pin', Array.from({ length: 20 }, () => body(token)), dest());
    await probe.until(() => probe.frames.length === 20);
    const got = probe.frames.map((f) => f.sequence_number);
    expect([...got].sort((a, b) => a! - b!)).toEqual(sent);
    expect(got).not.toEqual(sent);
    expect(probe.frames.every((f) => f.status.code === 'OK')).toBe(true);
  });

  it('latencyMs delays answers (set over the control endpoint)', async () => {
    await start();
    const set = await setFaultsOverHttp({ latencyMs: 250 });
    expect(set.body.status.code).toBe('OK');
    const probe = await fx.probe();
    const t0 = Date.now();
    await probe.call('ping', {}, dest());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    const state = await httpCall(fx.headend.baseUrl, 'GET', '/sandbox/control/state');
    expect((state.body.data as { faults: { latencyMs: number } }).faults.latencyMs).toBe(250);
    const bad = await setFaultsOverHttp({ latencyMs: -1, explode: true });
    expect(bad.body.status.code).toBe('INVALID_PARAMETERS');
    expect(bad.body.status.description).toContain('latencyMs');
    expect(bad.body.status.description).toContain('explode');
  });

  it('dropAfterFrames: the Nth request is acted on, then the connection is destroyed unanswered', async () => {
    await start({ faults: { dropAfterFrames: 2 } });
    const probe = await fx.probe();
    expect((await probe.call('ping', {}, dest())).status.code).toBe('OK'); // pings do not count
    expect((await probe.call('clear_pin', body(token), dest())).status.code).toBe('OK');
    const seq = probe.send('clear_pin', body(token), dest());
    await probe.closedPromise;
    expect(probe.frames.some((f) => f.sequence_number === seq)).toBe(false);
    expect(fx.headend.received('smrt20000054')).toHaveLength(2);
  });

  it('connectionFaultLimit disarms a fault after it fired', async () => {
    await start({ faults: { dropAfterFrames: 1, connectionFaultLimit: 1 } });
    const first = await fx.probe();
    first.send('clear_pin', body(token), dest());
    await first.closedPromise;
    const second = await fx.probe();
    expect((await second.call('clear_pin', body(token), dest())).status.code).toBe('OK');
  });

  it('answerNever: requests are created, nothing is answered, not even ping', async () => {
    await start();
    fx.headend.setFaults({ answerNever: true });
    const probe = await fx.probe();
    probe.send('clear_pin', body(token), dest());
    probe.send('ping', {}, dest());
    await sleep(300);
    expect(probe.frames).toEqual([]);
    expect(probe.closed).toBe(false);
    expect(fx.headend.received('smrt20000054')).toHaveLength(1);
    const http = httpCall(fx.headend.baseUrl, 'POST', '/conax_web_services/provisioning_request/get_active_subscriptions',
      { token, smartcard_identifier: { serial_number: 'smrt20000054' } }, undefined, 300);
    await expect(http).rejects.toThrow();
    expect(fx.headend.received('smrt20000054')).toHaveLength(2);
    fx.headend.resetFaults();
    expect((await probe.call('ping', {}, dest())).status.code).toBe('OK');
  });

  it('halfCloseAfterFrames: the server ends its write side instead of answering', async () => {
    await start({ faults: { halfCloseAfterFrames: 2 } });
    const probe = await fx.probe();
    expect((await probe.call('clear_pin', body(token), dest())).status.code).toBe('OK');
    probe.send('clear_pin', body(token), dest());
    await probe.until(() => probe.ended, 3000, 'FIN');
    expect(probe.frames).toHaveLength(1);
    expect(probe.closed).toBe(false); // half-open: our side may still write
    probe.send('ping', {}, dest());
    await sleep(100);
    expect(probe.frames).toHaveLength(1);
    expect(fx.headend.received('smrt20000054')).toHaveLength(2);
  });

  it('garbageAfterFrames: the answer is bytes that are not a frame', async () => {
    await start({ faults: { garbageAfterFrames: 1 } });
    const probe = await fx.probe();
    probe.send('clear_pin', body(token), dest());
    await probe.until(() => probe.errors.length > 0, 3000, 'a decode error');
    expect(probe.errors[0]!.ok).toBe(false);
    expect(probe.frames).toEqual([]);
    expect(fx.headend.received('smrt20000054')).toHaveLength(1);
  });

  it('httpDropAfterRequests: the HTTP call is acted on, then its socket destroyed', async () => {
    await start();
    fx.headend.setFaults({ httpDropAfterRequests: 1 });
    const call = fx.conax('get_active_subscriptions', { token, smartcard_identifier: { serial_number: 'smrt20000054' } });
    await expect(call).rejects.toThrow();
    expect(fx.headend.received('smrt20000054')).toHaveLength(1);
  });

  it('httpDropAfterRequests counts every HTTP API call (login and catalog too), not control routes', async () => {
    await start();
    fx.headend.setFaults({ httpDropAfterRequests: 3 });
    for (let i = 0; i < 3; i++) {
      expect((await httpCall(fx.headend.baseUrl, 'GET', '/sandbox/control/state')).body.status.code).toBe('OK');
    }
    expect((await fx.login()).length).toBe(32); // 1st API call
    const catalog = await httpCall(fx.headend.baseUrl, 'GET', '/sandbox/catalog/services', undefined, { token }); // 2nd
    expect(catalog.body.status.code).toBe('OK');
    const third = fx.conax('get_active_subscriptions', { token, smartcard_identifier: { serial_number: 'smrt20000054' } });
    await expect(third).rejects.toThrow();
    expect(fx.headend.received('smrt20000054')).toHaveLength(1); // acted on before the drop
  });

  it('rejectRate set at run time rejects processed requests with SYSTEM_ERROR', async () => {
    await start({ processingDelayMs: 0 });
    await setFaultsOverHttp({ rejectRate: 1 });
    const created = await fx.conax('send_mail_message_to_client', {
      token, smartcard_identifier: { serial_number: 'smrt20000054' }, message_text: 'hello', process_immediately: true,
    });
    expect(created.body.data).toMatchObject({ life_cycle_state: 'REJECTED', error_code: 'SYSTEM_ERROR' });
  });

  it('a garbage frame from a client closes that connection only; the server keeps serving', async () => {
    await start();
    const bad = await fx.probe();
    const good = await fx.probe();
    bad.writeRaw(Buffer.from([0, 0, 0, 5, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b]));
    await bad.endedPromise;
    const huge = await fx.probe();
    huge.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await huge.endedPromise;
    const notObject = await fx.probe();
    notObject.writeRaw(encodeFrame([1, 2, 3]));
    await notObject.endedPromise;
    expect((await good.call('ping', {}, dest())).status.code).toBe('OK');
    const fresh = await FrameProbe.connect(fx.headend.tcpPort);
    fx.probes.push(fresh);
    expect((await fresh.call('clear_pin', body(token), dest())).status.code).toBe('OK');
  });

  it('random bytes from clients never crash the server or hang it (property)', async () => {
    await start();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        const probe = await FrameProbe.connect(fx.headend.tcpPort);
        probe.writeRaw(Buffer.from(bytes));
        probe.socket.end(); // our side is done: the server must answer what it can and close
        await probe.until(() => probe.ended || probe.closed, 3000, 'the server to close');
        probe.close();
      }),
      { numRuns: 25 },
    );
    const probe = await fx.probe();
    expect((await probe.call('ping', {}, dest())).status.code).toBe('OK');
  });
});
