import { Worker } from 'node:worker_threads';

/** A SHA-256 computed on a worker thread, fed in order. */
export interface BackgroundSha256 {
  /** Feeds the first `length` bytes of a local file (a resumed download's prefix). */
  updateFromFile(path: string, length: number): void;
  /** Feeds bytes. The buffer is handed over to the worker: do not use it afterwards. */
  update(chunk: Buffer): void;
  /** The hex digest of everything fed; ends the worker. */
  digest(): Promise<string>;
  /** Ends the worker without a digest. */
  close(): void;
}

// Inline so it needs no file of its own at run time (source and bundled builds alike).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const hash = createHash('sha256');
parentPort.on('message', (message) => {
  if (message.type === 'data') hash.update(new Uint8Array(message.buffer, message.offset, message.length));
  else if (message.type === 'file') {
    const fd = openSync(message.path, 'r');
    const buffer = Buffer.allocUnsafe(1 << 20);
    try {
      for (let position = 0; position < message.length; ) {
        const read = readSync(fd, buffer, 0, Math.min(buffer.length, message.length - position), position);
        if (read === 0) break;
        hash.update(buffer.subarray(0, read));
        position += read;
      }
    } finally {
      closeSync(fd);
    }
  } else if (message.type === 'digest') parentPort.postMessage(hash.digest('hex'));
});
`;

/**
 * Hashes downloads on a worker thread, so SHA-256 of a multi-GiB checkpoint
 * never competes with SSH decryption on the main thread.
 */
export function backgroundSha256(): BackgroundSha256 {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  worker.unref();
  let failure: Error | undefined;
  worker.once('error', (error) => {
    failure = error;
  });
  return {
    updateFromFile(path, length) {
      if (length > 0) worker.postMessage({ type: 'file', path, length });
    },
    update(chunk) {
      // Only a buffer that owns its whole memory can move; pooled or sliced ones are copied.
      const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
      const message = { type: 'data', buffer: chunk.buffer, offset: chunk.byteOffset, length: chunk.byteLength };
      if (owned) worker.postMessage(message, [chunk.buffer as ArrayBuffer]);
      else worker.postMessage({ ...message, buffer: chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength), offset: 0 });
    },
    digest() {
      return new Promise<string>((resolve, reject) => {
        if (failure !== undefined) {
          reject(failure);
          return;
        }
        worker.once('message', (hex: string) => {
          resolve(hex);
          void worker.terminate();
        });
        worker.once('error', reject);
        worker.postMessage({ type: 'digest' });
      });
    },
    close() {
      void worker.terminate();
    },
  };
}
