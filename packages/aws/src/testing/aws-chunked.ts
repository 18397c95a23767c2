import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

/**
 * Decodes an `aws-chunked` request body: `<hex size>[;chunk-signature=…]\r\n
 * <data>\r\n … 0\r\n<trailer: value>\r\n\r\n`. The AWS SDK sends streamed
 * uploads this way with a trailing checksum by default; s3rver would store the
 * framing verbatim. A trailing x-amz-checksum-crc32 is verified (S3 answers
 * BadDigest on mismatch; here the stream errors).
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers = new Map<string, string>();
  private pending: Buffer = Buffer.alloc(0);
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private remaining = 0;
  private checksum = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    try {
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== 'done' && this.state !== 'trailer') {
      callback(new Error('aws-chunked body ended early'));
      return;
    }
    callback(this.verify());
  }

  private drain(): void {
    for (;;) {
      if (this.state === 'data') {
        if (this.pending.length === 0) return;
        const part = this.pending.subarray(0, this.remaining);
        this.checksum = crc32(part, this.checksum);
        this.push(part);
        this.remaining -= part.length;
        this.pending = this.pending.subarray(part.length);
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') {
        this.pending = Buffer.alloc(0);
        return;
      }
      const end = this.pending.indexOf('\r\n');
      if (end < 0) return;
      const line = this.pending.subarray(0, end).toString('latin1');
      this.pending = this.pending.subarray(end + 2);
      if (this.state === 'data-end') {
        if (line !== '') throw new Error('aws-chunked: missing CRLF after chunk data');
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = Number.parseInt(line.split(';')[0] ?? '', 16);
        if (!Number.isInteger(size) || size < 0) throw new Error(`aws-chunked: bad chunk header '${line}'`);
        this.remaining = size;
        this.state = size === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.state = 'done';
      } else {
        const colon = line.indexOf(':');
        if (colon > 0) this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
  }

  private verify(): Error | null {
    const expected = this.trailers.get('x-amz-checksum-crc32');
    if (expected === undefined) return null;
    const actual = Buffer.alloc(4);
    actual.writeUInt32BE(this.checksum >>> 0);
    return actual.toString('base64') === expected
      ? null
      : new Error(`BadDigest: CRC32 ${actual.toString('base64')} does not match x-amz-checksum-crc32 ${expected}`);
  }
}

/** True when the request body uses aws-chunked framing. */
export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const encoding = String(headers['content-encoding'] ?? '');
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  return encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}
