import { createServer, type Socket } from 'node:net';

/** A port that accepts TCP connections and then never says a word. */
export interface Tarpit {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts a silent listener on 127.0.0.1: connections open but no SSH banner
 * ever comes, like a host behind a black-holing firewall. For timeout tests.
 */
export function startTarpit(): Promise<Tarpit> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        host: '127.0.0.1',
        port: typeof address === 'object' && address !== null ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
