// TEST-ONLY: starts a small sandbox head-end in a temp folder and logs in, for
// the sandbox's own tests. Not used by the product.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CREDENTIALS, type HeadendOptions } from '../headend-options';
import { startHeadend, type RunningHeadend } from '../start-headend';
import { FrameProbe, httpCall, SANDBOX_TEST_CONTROL_SECRET, type ProbeAnswer } from './sandbox-probe';

export interface Fixture {
  headend: RunningHeadend;
  dataDir: string;
  probes: FrameProbe[];
  /** A connected frame probe, closed by stop(). */
  probe(): Promise<FrameProbe>;
  /** Logs in over HTTP and returns the token. */
  login(): Promise<string>;
  /** Sends a Nagravision frame on a fresh or given probe and waits for its answer. */
  nagra(method: string, body: Record<string, unknown>, probe?: FrameProbe): Promise<ProbeAnswer>;
  conax(method: string, body: Record<string, unknown>): Promise<{ httpStatus: number; body: ProbeAnswer }>;
  stop(): Promise<void>;
}

export const TEST_SEED_SIZE = { subscriptions: 20, smartcards: 40, stbs: 30, services: 8 } as const;

export async function startFixture(options: HeadendOptions = {}): Promise<Fixture> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
  const headend = await startHeadend({
    seedSize: TEST_SEED_SIZE,
    processingDelayMs: 50,
    processingIntervalMs: 20,
    controlSecret: SANDBOX_TEST_CONTROL_SECRET,
    ...options,
    dataDir,
  });
  const probes: FrameProbe[] = [];
  const fixture: Fixture = {
    headend,
    dataDir,
    probes,
    async probe() {
      const p = await FrameProbe.connect(headend.tcpPort);
      probes.push(p);
      return p;
    },
    async login() {
      const res = await httpCall(headend.baseUrl, 'POST', '/authentication/token', {
        username: DEFAULT_CREDENTIALS.username,
        password: DEFAULT_CREDENTIALS.password,
        organisation: DEFAULT_CREDENTIALS.organisation,
      });
      if (res.body.status.code !== 'OK') throw new Error(`login failed: ${res.body.status.description}`);
      return (res.body.data as { token: string }).token;
    },
    async nagra(method, body, probe) {
      const p = probe ?? (await fixture.probe());
      return p.call(method, body, headend.destinationId);
    },
    conax(method, body) {
      return httpCall(headend.baseUrl, 'POST', `/conax_web_services/provisioning_request/${method}`, body);
    },
    async stop() {
      for (const p of probes) p.close();
      await headend.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Polls until fn returns a value other than undefined (bounded). */
export async function eventually<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}
