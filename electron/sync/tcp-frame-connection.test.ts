import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from './headend-client';
import { TcpFrameConnection, type TcpFrameConnectionOptions } from './tcp-frame-connection';
import { echoHandler, okEnvelope, startFrameServer, type FrameTestServer } from './testing/frame-test-server';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function connect(server: FrameTestServer, extra: Partial<TcpFrameConnectionOptions> = {}): TcpFrameConnection {
  const connection = new TcpFrameConnection({
    host: '127.0.0.1',
    port: server.port,
    destinationId: 'TEST-DEST',
    requestTimeoutMs: 2_000,
    connectTimeoutMs: 1_000,
    reconnectBackoff: { baseMs: 20, capMs: 100 },
    ...extra,
  });
  cleanups.push(() => connection.close());
  return connection;
}

async function server(handler = echoHandler): Promise<FrameTestServer> {
  const s = await startFrameServer(handler);
  cleanups.push(() => s.close());
  return s;
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw error;
  }
  throw new Error('expected a TransportError, got an answer');
}

describe('TcpFrameConnection', () => {
  it('pipelines many requests and matches answers that come back in reverse order', async () => {
    const held: { seq: unknown; body: unknown; reply: (f: Record<string, unknown>) => void }[] = [];
    const s = await server((frame, conn) => {
      if (frame.method === 'ping') return conn.reply({ sequence_number: frame.sequence_number, ...okEnvelope(null) });
      held.push({ seq: frame.sequence_number, body: frame.body, reply: conn.reply });
      if (held.length === 50) for (const h of held.reverse()) h.reply({ sequence_number: h.seq, ...okEnvelope(h.body) });
    });
    const connection = connect(s);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => connection.request('echo', { i })),
    );
    expect(answers.map((a) => (a.data as { i: number }).i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const frames = s.received.filter((f) => f.method === 'echo');
    expect(new Set(frames.map((f) => f.sequence_number)).size).toBe(50);
    expect(frames.every((f) => f.destination_id === 'TEST-DEST')).toBe(true);
  });

  it('never has more requests in flight than its window', async () => {
    let outstanding = 0;
    let most = 0;
    const s = await server((frame, conn) => {
      outstanding += 1;
      most = Math.max(most, outstanding);
      setTimeout(() => {
        outstanding -= 1;
        conn.reply({ sequence_number: frame.sequence_number, ...okEnvelope(null) });
      }, 2);
    });
    const connection = connect(s, { maxInFlight: 4 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => connection.request('echo', { i })));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
  });

  it('times out one unanswered request as maybe-sent while the others go on', async () => {
    const s = await server((frame, conn) => {
      const body = frame.body as { silent?: boolean };
      if (!body.silent) conn.reply({ sequence_number: frame.sequence_number, ...okEnvelope(body) });
    });
    const connection = connect(s);
    const silent = rejection(connection.request('echo', { silent: true }, { timeoutMs: 150 }));
    const answered = await connection.request('echo', { silent: false });
    expect(answered.data).toEqual({ silent: false });
    const error = await silent;
    expect(error.kind).toBe('timeout');
    expect(error.delivery).toBe('maybe_sent');
    expect(connection.connectionState).toBe('connected');
  });

  it('closes the connection when a submit marked closeOnTimeout times out after writing', async () => {
    const s = await server((frame, conn) => {
      const body = frame.body as { silent?: boolean };
      // The silent one is answered late: that answer must not be taken from a connection we gave up on.
      if (body.silent) setTimeout(() => conn.reply({ sequence_number: frame.sequence_number, ...okEnvelope(body) }), 400);
      else conn.reply({ sequence_number: frame.sequence_number, ...okEnvelope(null) });
    });
    const connection = connect(s, { autoReconnect: false });
    await connection.connect();
    const states: string[] = [];
    connection.onStateChange((state) => states.push(state));
    const error = await rejection(connection.request('submit', { silent: true }, { timeoutMs: 100, closeOnTimeout: true }));
    expect(error.kind).toBe('timeout');
    expect(error.delivery).toBe('maybe_sent');
    expect(connection.connectionState).toBe('idle');
    expect(states).toContain('idle');
    expect(connection.lastFailure).toMatch(/no answer to submit/);
  });

  it('reports not_sent when nothing listens, and maybe_sent when the link drops after writing', async () => {
    const s = await server((frame, conn) => {
      if (frame.method === 'drop') conn.socket.destroy();
      else conn.reply({ sequence_number: frame.sequence_number, ...okEnvelope(null) });
    });
    const connection = connect(s, { autoReconnect: false });
    const dropped = await rejection(connection.request('drop', {}));
    expect(dropped.delivery).toBe('maybe_sent');
    expect(dropped.kind).toBe('connection_lost');

    const port = s.port;
    await s.close();
    const nobody = new TcpFrameConnection({ host: '127.0.0.1', port, destinationId: 'X', autoReconnect: false });
    cleanups.push(() => nobody.close());
    const refused = await rejection(nobody.request('echo', {}));
    expect(refused.delivery).toBe('not_sent');
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('finds a half-open link through the heartbeat and fails what was in flight', async () => {
    let mute = false;
    const s = await server((frame, conn) => {
      if (!mute) conn.reply({ sequence_number: frame.sequence_number, ...okEnvelope(null) });
    });
    const connection = connect(s, { heartbeatIntervalMs: 60, heartbeatTimeoutMs: 120, requestTimeoutMs: 30_000, autoReconnect: false });
    await connection.connect();
    mute = true; // the peer keeps the socket open but nothing comes back: a half-open link
    const started = Date.now();
    const error = await rejection(connection.request('echo', {}));
    expect(error.delivery).toBe('maybe_sent');
    expect(error.message).toMatch(/heartbeat/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('closes on a garbage frame without crashing, then reconnects by itself', async () => {
    let garbage = true;
    const s = await server((frame, conn) => {
      if (garbage && frame.method === 'echo') {
        garbage = false;
        conn.socket.write(Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('nope!')]));
        return;
      }
      conn.reply({ sequence_number: frame.sequence_number, ...okEnvelope(frame.body ?? null) });
    });
    const connection = connect(s);
    const error = await rejection(connection.request('echo', { n: 1 }));
    expect(error.message).toMatch(/malformed frame \(invalid_json\)/);
    expect(error.delivery).toBe('maybe_sent');
    const deadline = Date.now() + 3_000;
    while (connection.connectionState !== 'connected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(connection.connectionState).toBe('connected');
    expect((await connection.request('echo', { n: 2 })).data).toEqual({ n: 2 });
  });

  it('treats a half-close from the head-end as a lost connection', async () => {
    const s = await server((frame, conn) => {
      if (frame.method === 'halfclose') conn.socket.end();
      else conn.reply({ sequence_number: frame.sequence_number, ...okEnvelope(null) });
    });
    const connection = connect(s, { autoReconnect: false });
    const error = await rejection(connection.request('halfclose', {}));
    expect(error.delivery).toBe('maybe_sent');
    expect(error.message).toMatch(/half-close|closed/);
  });

  it('refuses a frame without a sequence number as a stream it cannot trust', async () => {
    const s = await server((_frame, conn) => conn.reply(okEnvelope(null)));
    const connection = connect(s, { autoReconnect: false });
    const error = await rejection(connection.request('echo', {}));
    expect(error.message).toMatch(/sequence_number/);
  });

  it('reconnects with backoff after the head-end restarts on the same port', async () => {
    const first = await startFrameServer(echoHandler);
    const port = first.port;
    const connection = connect(first);
    await connection.connect();
    await first.close();
    await expect(connection.request('echo', {})).rejects.toBeInstanceOf(TransportError);
    const second = await startFrameServer(echoHandler, port);
    cleanups.push(() => second.close());
    const deadline = Date.now() + 5_000;
    while (connection.connectionState !== 'connected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect((await connection.request('echo', { back: true })).data).toEqual({ back: true });
  });
});
