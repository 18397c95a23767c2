import { connect, createServer, type Socket } from 'node:net';

/** A TCP relay on 127.0.0.1 whose connections a test can cut. */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Connections currently relayed. */
  readonly connections: number;
  /** Bytes relayed from the target back to clients, over all connections. */
  readonly bytesToClient: number;
  /** Destroys every open connection at once, like a dropped network. */
  cut(): void;
  /** Cuts once `bytesToClient` passes `bytes` (e.g. mid-download). */
  cutAfter(bytes: number): void;
  /** While refusing, new connections are reset at once. */
  refuse(refusing: boolean): void;
  /** Silently stops relaying on the open connections (a dead network: no FIN, no RST). */
  freeze(): void;
  close(): Promise<void>;
}

/**
 * Starts a TCP relay from a free port on 127.0.0.1 to `target`, for
 * dropped-connection tests: `cut()` kills the live connections and new
 * ones still go through.
 */
export function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let refusing = false;
  let bytesToClient = 0;
  let cutAt: number | undefined;
  const frozen = new Set<[Socket, Socket]>();
  const cut = (): void => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  const server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (frozen.has(pair)) return;
      bytesToClient += chunk.length;
      if (cutAt !== undefined && bytesToClient >= cutAt) {
        cutAt = undefined;
        cut();
      }
    });
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        host: '127.0.0.1',
        port,
        get connections() {
          return pairs.size;
        },
        get bytesToClient() {
          return bytesToClient;
        },
        cut,
        cutAfter(bytes) {
          cutAt = bytesToClient + bytes;
        },
        refuse(value) {
          refusing = value;
        },
        freeze() {
          for (const pair of pairs) {
            frozen.add(pair);
            pair[0].unpipe(pair[1]);
            pair[1].unpipe(pair[0]);
            // Keep reading so nothing backs up, and drop it on the floor.
            pair[0].on('data', () => {});
            pair[1].on('data', () => {});
          }
        },
        close: () =>
          new Promise<void>((done) => {
            cut();
            server.close(() => done());
          }),
      });
    });
  });
}
