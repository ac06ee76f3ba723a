import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_UUID_UDF } from '../../shared/domain/client-uuid';
import { NagravisionTcpClient } from './nagravision-tcp-client';
import { okEnvelope, startFrameServer, type FrameTestServer } from './testing/frame-test-server';
import { lineLogger } from '../logging/testing/line-logger';

const examples = JSON.parse(
  readFileSync(new URL('../../shared/domain/fixtures/nagravision-seed-examples.json', import.meta.url), 'utf8'),
) as { method: string; request: Record<string, unknown>; response: { data: Record<string, unknown> } }[];

const PASSWORD = 'pa55-word-secret';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A head-end stand-in with login, token expiry and the seed's answers. */
async function tokenServer() {
  const state = { token: '', logins: 0, created: [] as Record<string, unknown>[], refuseLogin: false };
  const server: FrameTestServer = await startFrameServer((frame, conn) => {
    const seq = frame.sequence_number;
    const body = (frame.body ?? {}) as Record<string, unknown>;
    if (frame.method === 'authentication/token') {
      if (state.refuseLogin || body.password !== PASSWORD) {
        return conn.reply({ sequence_number: seq, status: { message: '', description: 'bad credentials', code: 'UNAUTHORIZED' }, data: null });
      }
      state.logins += 1;
      state.token = `TOKEN${state.logins}ABCDEF`;
      return conn.reply({ sequence_number: seq, ...okEnvelope({ token: state.token }) });
    }
    if (body.token !== state.token) {
      return conn.reply({ sequence_number: seq, status: { message: '', description: 'token expired', code: 'UNAUTHORIZED' }, data: null });
    }
    const example = examples.find((e) => e.method === frame.method)!;
    state.created.push(body);
    const id = randomUUID().replace(/-/g, '').toUpperCase();
    // Echoes our UUID, as a head-end that echoes the UDFs does (answers without it are not taken as ours).
    conn.reply({ sequence_number: seq, ...okEnvelope({ ...example.response.data, id, number: String(state.created.length), [CLIENT_UUID_UDF]: body[CLIENT_UUID_UDF] }) });
  });
  cleanups.push(() => server.close());
  return { server, state };
}

function client(port: number, logs: string[], password = PASSWORD) {
  const c = new NagravisionTcpClient({
    host: '127.0.0.1',
    port,
    destinationId: 'D',
    credentials: { username: 'operator', password, organisation: 'ORG' },
    session: { logger: lineLogger(logs) },
    logger: lineLogger(logs),
  });
  cleanups.push(() => c.close());
  return c;
}

describe('HeadendSession over the Nagravision client', () => {
  it('sends the six seed bodies with a fresh token and parses the seed answers', async () => {
    const { server, state } = await tokenServer();
    const logs: string[] = [];
    const c = client(server.port, logs);
    for (const example of examples) {
      const { token: _t, ...params } = example.request;
      const uuid = randomUUID();
      const outcome = await c.submit(example.method, params, uuid);
      expect(outcome.kind).toBe('acknowledged');
      const sent = state.created.at(-1)!;
      expect(sent).toEqual({ ...params, token: state.token, [CLIENT_UUID_UDF]: uuid });
    }
    expect(state.logins).toBe(1);
  });

  it('on UNAUTHORIZED logs in once for all requests in flight and retries each exactly once', async () => {
    const { server, state } = await tokenServer();
    const logs: string[] = [];
    const c = client(server.port, logs);
    const params = { ...examples[0]!.request };
    delete params.token;
    expect((await c.submit(examples[0]!.method, params, randomUUID())).kind).toBe('acknowledged');
    state.token = 'EXPIRED-BY-SERVER';
    const before = state.created.length;
    const uuids = Array.from({ length: 30 }, () => randomUUID());
    const outcomes = await Promise.all(uuids.map((u) => c.submit(examples[0]!.method, params, u)));
    expect(outcomes.every((o) => o.kind === 'acknowledged')).toBe(true);
    expect(state.logins).toBe(2);
    const created = state.created.slice(before).map((b) => b[CLIENT_UUID_UDF]);
    expect(created.sort()).toEqual([...uuids].sort());
    expect(logs.join('\n')).not.toContain(PASSWORD);
    expect(logs.join('\n')).not.toMatch(/TOKEN\d/);
  });

  it('reports auth (never success) when the credentials are refused, without leaking the password', async () => {
    const { server, state } = await tokenServer();
    const logs: string[] = [];
    const c = client(server.port, logs, 'wrong-password');
    const params = { ...examples[0]!.request };
    delete params.token;
    const outcome = await c.submit(examples[0]!.method, params, randomUUID());
    expect(outcome).toMatchObject({ kind: 'auth', code: 'UNAUTHORIZED' });
    expect(JSON.stringify(outcome)).not.toContain('wrong-password');
    expect(state.created).toHaveLength(0);
  });

  it('logs in again before the token is too old, without waiting for an UNAUTHORIZED', async () => {
    const { server, state } = await tokenServer();
    let now = 0;
    const c = new NagravisionTcpClient({
      host: '127.0.0.1',
      port: server.port,
      destinationId: 'D',
      credentials: { username: 'operator', password: PASSWORD, organisation: 'ORG' },
      session: { maxTokenAgeMs: 1_000, now: () => now },
    });
    cleanups.push(() => c.close());
    const params = { ...examples[0]!.request };
    delete params.token;
    await c.submit(examples[0]!.method, params, randomUUID());
    now = 999;
    await c.submit(examples[0]!.method, params, randomUUID());
    expect(state.logins).toBe(1);
    now = 1_000;
    await c.submit(examples[0]!.method, params, randomUUID());
    expect(state.logins).toBe(2);
    expect(state.created).toHaveLength(3);
  });

  it('refuses to overwrite an operator value in the reserved UDF', async () => {
    const { server, state } = await tokenServer();
    const c = client(server.port, []);
    const params: Record<string, unknown> = { ...examples[0]!.request, [CLIENT_UUID_UDF]: 'operator note' };
    delete params.token;
    const outcome = await c.submit(examples[0]!.method, params, randomUUID());
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'RESERVED_UDF' });
    expect(state.created).toHaveLength(0);
  });
});
