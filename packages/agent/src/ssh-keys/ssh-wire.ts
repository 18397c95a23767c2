// The SSH wire encoding (RFC 4251 §5) that key files and public key blobs use.

/** A `string`: a big-endian uint32 length, then the bytes. */
export function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** A big-endian uint32. */
export function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

/** An `mpint` from unsigned big-endian bytes: minimal, with a leading zero when the top bit is set. */
export function mpint(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const trimmed = value.subarray(start);
  return sshString((trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** Reads fields in order; each read is `undefined` once the data runs out, so truncated input never throws. */
export interface SshReader {
  uint32(): number | undefined;
  string(): Buffer | undefined;
}

export function sshReader(data: Buffer, offset = 0): SshReader {
  let position = offset;
  const reader: SshReader = {
    uint32() {
      if (position + 4 > data.length) return undefined;
      const value = data.readUInt32BE(position);
      position += 4;
      return value;
    },
    string() {
      const length = reader.uint32();
      if (length === undefined || position + length > data.length) return undefined;
      const value = data.subarray(position, position + length);
      position += length;
      return value;
    },
  };
  return reader;
}
