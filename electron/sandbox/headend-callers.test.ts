import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from './testing/headend-fixture';
import { SANDBOX_TEST_CONTROL_SECRET } from './testing/sandbox-probe';

// A web page in the operator's browser must not drive the embedded sandbox:
// by DNS rebinding it reaches 127.0.0.1 under its own name and Origin. The
// sandbox answers only loopback names, refuses foreign Origins, and its
// control routes need the per-launch secret.

function call(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, setHost: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(5000, () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
    req.end(body);
  });
}

let fx: Fixture | null = null;
afterEach(async () => {
  await fx?.stop();
  fx = null;
});

describe('sandbox callers', () => {
  it('answers loopback names only, refuses foreign Origins, and guards its control routes with the launch secret', async () => {
    fx = await startFixture({ seedSize: 'tiny' });
    const port = fx.headend.httpPort;
    const local = { Host: `127.0.0.1:${port}` };
    const control = { ...local, 'X-Sandbox-Control': SANDBOX_TEST_CONTROL_SECRET };
    const login = JSON.stringify({ username: 'operator', password: 'x', organisation: 'SANDBOX' });
    const json = { 'Content-Type': 'application/json' };

    expect(await call(port, '/sandbox/control/state', control)).toBe(200);
    expect(await call(port, '/sandbox/control/state', { Host: `localhost:${port}`, 'X-Sandbox-Control': SANDBOX_TEST_CONTROL_SECRET })).toBe(200);
    // DNS rebinding: the page's own name.
    expect(await call(port, '/sandbox/control/state', { ...control, Host: `evil.example:${port}` })).toBe(403);
    expect(await call(port, '/authentication/token', { Host: `evil.example:${port}`, ...json }, 'POST', login)).toBe(403);
    // A page on another site calling loopback directly.
    expect(await call(port, '/authentication/token', { ...local, ...json, Origin: 'http://evil.example' }, 'POST', login)).not.toBe(200);
    expect(await call(port, '/authentication/token', { ...local, ...json, Origin: 'http://evil.example' }, 'POST', login)).toBe(403);
    expect(await call(port, '/sandbox/control/state', { ...control, Origin: 'null' })).toBe(403);
    // The control routes without, or with another, secret.
    expect(await call(port, '/sandbox/control/state', local)).toBe(401);
    expect(await call(port, '/sandbox/control/faults', { ...local, ...json, 'X-Sandbox-Control': 'guess' }, 'POST', '{"answerNever":true}')).toBe(401);
    expect((fx.headend.state() as { faults: { answerNever: boolean } }).faults.answerNever).toBe(false);
  }, 60_000);

  it('picks a new control secret per launch unless told one', async () => {
    fx = await startFixture({ seedSize: 'tiny', controlSecret: undefined });
    const first = fx.headend.controlSecret;
    await fx.stop();
    fx = await startFixture({ seedSize: 'tiny', controlSecret: undefined });
    expect(fx.headend.controlSecret).not.toBe(first);
    expect(fx.headend.controlSecret.length).toBeGreaterThanOrEqual(32);
  }, 60_000);
});
