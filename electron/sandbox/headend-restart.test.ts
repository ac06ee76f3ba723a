import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { provisioningRequestSchema } from '../../shared/domain/provisioning-request';
import { eventually, startFixture, type Fixture } from './testing/headend-fixture';
import { httpCall } from './testing/sandbox-probe';
import { lineLogger } from '../logging/testing/line-logger';

const body = (token: string) => ({
  token,
  subscription_identifier: { number: 'S60507' },
  smartcard_identifier: { serial_number: 'smrt20000054' },
});

describe('restart', () => {
  let fx: Fixture;
  afterEach(() => fx.stop());

  it('closes every socket, keeps requests, catalog and card state, listens again on the same ports', async () => {
    fx = await startFixture({ processingDelayMs: 0, processingPaused: true });
    const token = await fx.login();
    const probe = await fx.probe();
    const done = await fx.nagra('add_enhanced_list_of_products',
      { ...body(token), services_set: [{ service_identifier: { code: 'Gold' } }], process_immediately: true }, probe);
    expect((done.data as { life_cycle_state: string }).life_cycle_state).toBe('COMPLETED');
    const pending = await fx.nagra('set_pin_to_given_value', { ...body(token), pin: '9876' }, probe);
    const pendingNumber = (pending.data as { number: string }).number;
    const ports = { tcp: fx.headend.tcpPort, http: fx.headend.httpPort };
    const before = fx.headend.state();

    const answer = await httpCall(fx.headend.baseUrl, 'POST', '/sandbox/control/restart');
    expect(answer.body.status.code).toBe('OK');
    await probe.endedPromise;
    await eventually(async () => {
      try {
        const s = await httpCall(fx.headend.baseUrl, 'GET', '/sandbox/control/state', undefined, undefined, 500);
        return s.body.status.code === 'OK' ? true : undefined;
      } catch {
        return undefined;
      }
    }, 5000, 'the restarted head-end');
    expect({ tcp: fx.headend.tcpPort, http: fx.headend.httpPort }).toEqual(ports);
    const after = fx.headend.state();
    expect(after.requests).toEqual(before.requests);
    expect(after.catalog).toEqual(before.catalog);
    expect(after.processing_paused).toBe(true);
    expect(fx.headend.card('smrt20000054')!.services).toEqual(['Gold', 'Cartoons 1']);
    expect(fx.headend.received('smrt20000054')).toHaveLength(2);

    // sessions are not kept: clients log in again
    const fresh = await fx.probe();
    expect((await fx.nagra('clear_pin', body(token), fresh)).status.code).toBe('UNAUTHORIZED');
    const token2 = await fx.login();
    // the request left PENDING before the restart is still there and gets processed
    expect(fx.headend.processNow()).toEqual([pendingNumber]);
    const shown = await fx.nagra('show', { token: token2, provisioning_request_identifier: { number: pendingNumber } }, fresh);
    expect(provisioningRequestSchema.parse(shown.data).life_cycle_state).toBe('COMPLETED');
    expect(fx.headend.card('smrt20000054')!.pin_state).toBe('custom');
    // numbering continues
    const next = await fx.nagra('clear_pin', body(token2), fresh);
    expect(Number((next.data as { number: string }).number)).toBe(Number(pendingNumber) + 1);
  });

  it('reopening the same data dir keeps state and does not reseed', async () => {
    fx = await startFixture({ processingDelayMs: 0 });
    const token = await fx.login();
    await fx.nagra('clear_pin', { ...body(token), process_immediately: true });
    const dataDir = fx.dataDir;
    const revision = fx.headend.state().catalog_revision;
    for (const p of fx.probes) p.close();
    await fx.headend.close();
    fx = await startFixture({ dataDir, seedSize: { subscriptions: 1, smartcards: 1, stbs: 1, services: 2 } });
    expect(fx.headend.state().catalog_revision).toBe(revision);
    expect(fx.headend.card('smrt20000054')!.pin_state).toBe('cleared');
    expect((fx.headend.state().catalog as { smartcards: number }).smartcards).toBe(40);
  });

  it('a restart that cannot come back is logged, not left unhandled; the head-end stays stopped until retried', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const logged: string[] = [];
      fx = await startFixture({ processingPaused: true, logger: lineLogger(logged) });
      const { dataDir } = fx;
      const ports = { tcp: fx.headend.tcpPort, http: fx.headend.httpPort };
      // The database will not reopen: the open file moves away with its folder
      // and a plain file takes the folder's place.
      const moved = `${dataDir}-moved`;
      fs.renameSync(dataDir, moved);
      fs.writeFileSync(dataDir, 'not a folder');

      const answer = await httpCall(fx.headend.baseUrl, 'POST', '/sandbox/control/restart');
      expect(answer.body.status.code).toBe('OK');
      const failure = await eventually(() => logged.find((l) => l.startsWith('control restart failed')), 5000, 'the logged failure');
      expect(failure).toContain(dataDir);
      await new Promise((r) => setTimeout(r, 50)); // past the point where Node reports unhandled rejections
      expect(unhandled).toEqual([]);
      expect(fx.headend.state()).toMatchObject({ running: false, last_restart_error: expect.stringContaining(dataDir) });
      await expect(httpCall(fx.headend.baseUrl, 'GET', '/sandbox/control/state', undefined, undefined, 500)).rejects.toThrow();

      // Retried in-process while the HTTP port is taken: the failure is the caller's, as a rejection.
      fs.rmSync(dataDir);
      fs.renameSync(moved, dataDir);
      const squatter = net.createServer();
      await new Promise<void>((resolve) => squatter.listen(ports.http, '127.0.0.1', resolve));
      try {
        await expect(fx.headend.restart()).rejects.toThrow(/EADDRINUSE/);
        expect(fx.headend.state()).toMatchObject({ running: false, last_restart_error: expect.stringContaining('EADDRINUSE') });
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }

      // The causes gone, a retry brings it back on the same ports with its state.
      await fx.headend.restart();
      expect({ tcp: fx.headend.tcpPort, http: fx.headend.httpPort }).toEqual(ports);
      expect(fx.headend.state()).toMatchObject({ running: true, last_restart_error: null, processing_paused: true });
      expect((await fx.login()).length).toBe(32);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
