// Listening on a port for both servers of the sandbox (TCP and HTTP): resolves
// with the port actually taken (port 0 picks a free one), rejects when the port
// cannot be had (EADDRINUSE, EACCES) instead of emitting an unhandled 'error'.
import type net from 'node:net';

export function listenOn(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
