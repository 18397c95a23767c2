import type { Socket } from 'node:net';

/** Missed intervals after which the connection counts as dead (OpenSSH's ServerAliveCountMax default). */
const MISSED_MAX = 3;

/**
 * Keeps one connection honest: after `intervalMs` without a byte from the
 * server it sends `ping` (a request the server must answer), and when
 * nothing at all arrives for three intervals it destroys the socket, so the
 * calls in flight fail (retryable) instead of hanging on a dead network.
 * Its timer never keeps the process alive by itself.
 */
export function startKeepalive(socket: Socket, intervalMs: number, ping: () => void): () => void {
  if (intervalMs <= 0) return () => {};
  let lastData = Date.now();
  const onData = (): void => {
    lastData = Date.now();
  };
  socket.on('data', onData);
  const timer = setInterval(() => {
    const silent = Date.now() - lastData;
    if (silent >= intervalMs * MISSED_MAX) {
      socket.destroy(Object.assign(new Error('Keepalive timeout'), { level: 'client-timeout' }));
      return;
    }
    if (silent >= intervalMs) ping();
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    socket.off('data', onData);
  };
}
