import { HEADEND_PROFILES } from '../../shared/domain/headend-profiles';
import type { SubmitHooks } from './headend-client';
import { ProvisioningApiClient, type ProvisioningApiClientOptions, type RawCaller } from './provisioning-api-client';
import { TcpFrameConnection, type TcpFrameConnectionOptions } from './tcp-frame-connection';

// Nagravision over TCP (docs/protocol.md): one persistent connection, frames
// { destination_id, sequence_number, method, body } answered by
// { sequence_number, status, data }, many in flight, answers in any order.
// The frame's method is the last path segment for provisioning POSTs and the
// full name for the rest (authentication/token, show, list, ping).

const WIRE = HEADEND_PROFILES['tcp-gateway'].providers.nagravision;
/** Frame methods of the reads (the profile row's), and the liveness frame. */
const NAGRAVISION_TCP_METHODS = { login: WIRE.login, show: WIRE.show, list: WIRE.list, ping: 'ping' } as const;

class NagravisionTcpCaller implements RawCaller {
  constructor(readonly connection: TcpFrameConnection) {}

  get connected(): boolean {
    return this.connection.connectionState === 'connected';
  }

  post(method: string, body: Record<string, unknown>, hooks?: SubmitHooks): Promise<unknown> {
    return this.connection.request(WIRE.post(method), body, { onWritten: hooks?.onWritten, closeOnTimeout: true });
  }

  show(query: Record<string, unknown>): Promise<unknown> {
    return this.connection.request(NAGRAVISION_TCP_METHODS.show, query);
  }

  list(query: Record<string, unknown>): Promise<unknown> {
    return this.connection.request(NAGRAVISION_TCP_METHODS.list, query);
  }

  login(body: Record<string, unknown>): Promise<unknown> {
    return this.connection.request(NAGRAVISION_TCP_METHODS.login, body);
  }

  ping(): Promise<unknown> {
    return this.connection.request(NAGRAVISION_TCP_METHODS.ping, {});
  }

  call(method: string, body: Record<string, unknown>): Promise<unknown> {
    return this.connection.request(method, body);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

export type NagravisionTcpClientOptions = TcpFrameConnectionOptions & ProvisioningApiClientOptions;

export class NagravisionTcpClient extends ProvisioningApiClient {
  readonly connection: TcpFrameConnection;
  readonly requestTimeoutMs: number;

  constructor(options: NagravisionTcpClientOptions) {
    const { credentials, session, ...tcp } = options;
    const connection = new TcpFrameConnection(tcp);
    super('nagravision', new NagravisionTcpCaller(connection), { credentials, session });
    this.connection = connection;
    this.requestTimeoutMs = connection.requestTimeoutMs;
  }
}
