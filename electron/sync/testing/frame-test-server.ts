import net from 'node:net';
import { encodeFrame, FrameDecoder } from '../../protocol/frame-codec';

// A tiny loopback frame server for the client's own tests: it decodes request
// frames with the real codec and lets each test decide how to answer.

export interface FrameServerConnection {
  socket: net.Socket;
  reply(frame: Record<string, unknown>): void;
}

export type FrameHandler = (frame: Record<string, unknown>, connection: FrameServerConnection) => void;

export interface FrameTestServer {
  port: number;
  connections: Set<net.Socket>;
  received: Record<string, unknown>[];
  close(): Promise<void>;
}

export function okEnvelope(data: unknown): Record<string, unknown> {
  return { status: { message: '', description: '', code: 'OK' }, data };
}

export async function startFrameServer(handler: FrameHandler, port = 0): Promise<FrameTestServer> {
  const connections = new Set<net.Socket>();
  const received: Record<string, unknown>[] = [];
  const server = net.createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder();
    const connection: FrameServerConnection = {
      socket,
      reply: (frame) => {
        if (!socket.destroyed && socket.writable) socket.write(encodeFrame(frame));
      },
    };
    socket.on('data', (chunk: Buffer) => {
      for (const result of decoder.push(chunk)) {
        if (!result.ok) {
          socket.destroy();
          return;
        }
        received.push(result.frame);
        handler(result.frame, connection);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    connections,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answers every frame at once with OK and the request body echoed as data. */
export const echoHandler: FrameHandler = (frame, connection) => {
  connection.reply({ sequence_number: frame.sequence_number, ...okEnvelope(frame.body ?? null) });
};
