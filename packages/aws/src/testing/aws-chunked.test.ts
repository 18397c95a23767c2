import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { crc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked.ts';

function encode(parts: string[], trailer?: string): Buffer {
  const body = parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('');
  return Buffer.from(`${body}0\r\n${trailer ? `${trailer}\r\n` : ''}\r\n`);
}

function crcBase64(data: string): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
}

/** Feeds the body in pieces of `step` bytes to exercise split headers and data. */
function decode(body: Buffer, step: number): Promise<string> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += step) pieces.push(body.subarray(i, i + step));
  return text(Readable.from(pieces).pipe(new AwsChunkedDecoder()));
}

describe('AwsChunkedDecoder', () => {
  test.each([1, 3, 7, 1000])('decodes data and a valid CRC32 trailer fed %i bytes at a time', async (step) => {
    const body = encode(['hello ', 'chunked ', 'world'], `x-amz-checksum-crc32:${crcBase64('hello chunked world')}`);
    expect(await decode(body, step)).toBe('hello chunked world');
  });

  test('accepts chunk signatures and an empty body', async () => {
    const signed = Buffer.from('5;chunk-signature=abc\r\nhello\r\n0;chunk-signature=def\r\n\r\n');
    expect(await decode(signed, 4)).toBe('hello');
    expect(await decode(encode([]), 2)).toBe('');
  });

  test('rejects a checksum mismatch and a truncated body', async () => {
    await expect(decode(encode(['data'], 'x-amz-checksum-crc32:AAAAAA=='), 100)).rejects.toThrow(/BadDigest/);
    await expect(decode(Buffer.from('a\r\nshort'), 100)).rejects.toThrow(/ended early/);
  });

  test('recognises aws-chunked requests', () => {
    expect(isAwsChunked({ 'content-encoding': 'aws-chunked' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' })).toBe(true);
    expect(isAwsChunked({ 'content-type': 'text/plain' })).toBe(false);
  });
});
