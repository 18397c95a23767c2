/** The 512-byte blocks of the ustar format (POSIX pax), as far as runctl needs them. */
export const BLOCK = 512;

export type EntryType = 'file' | 'directory' | 'pax' | 'gnu-longname' | 'other';

export interface TarHeader {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  type: EntryType;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One header block; `name` must fit in 100 bytes (callers put longer names in a pax record). */
export function encodeHeader(header: { name: string; mode: number; size: number; mtime: number; typeflag: string }): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(header.name, 0, 100, 'utf8');
  block.write(octal(header.mode & 0o7777, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(Math.min(header.size, 0o77777777777), 12), 124, 'ascii');
  block.write(octal(Math.floor(header.mtime), 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(header.typeflag, 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** A pax extended-header record: `<length> <key>=<value>\n`, the length counting itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(body);
  let length = bytes + 1;
  while (length !== bytes + String(length).length) length = bytes + String(length).length;
  return `${length}${body}`;
}

/** Parses a header block; undefined for the all-zero end-of-archive block. */
export function decodeHeader(block: Buffer): TarHeader | undefined {
  if (block.every((byte) => byte === 0)) return undefined;
  const text = (start: number, length: number): string => {
    const slice = block.subarray(start, start + length);
    const end = slice.indexOf(0);
    return slice.subarray(0, end < 0 ? length : end).toString('utf8');
  };
  const number = (start: number, length: number): number => {
    // GNU base-256 for large values: high bit of the first byte set.
    if ((block[start] ?? 0) & 0x80) {
      let value = 0;
      for (let index = start + 1; index < start + length; index++) value = value * 256 + (block[index] ?? 0);
      return value;
    }
    const digits = text(start, length).trim();
    return digits === '' ? 0 : Number.parseInt(digits, 8);
  };
  const prefix = text(257, 6).startsWith('ustar') ? text(345, 155) : '';
  const name = prefix === '' ? text(0, 100) : `${prefix}/${text(0, 100)}`;
  const flag = String.fromCharCode(block[156] ?? 0);
  const type: EntryType = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : flag === 'x' ? 'pax' : flag === 'L' ? 'gnu-longname' : 'other';
  return { name, mode: number(100, 8), size: number(124, 12), mtime: number(136, 12), type };
}

/** Values of the pax records in an extended header's data. */
export function parsePax(data: Buffer): Map<string, string> {
  const values = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(data.subarray(offset, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) values.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return values;
}

/** Zero bytes that pad `size` to a whole block. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
