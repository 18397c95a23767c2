import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryMatches, fingerprint, keyTypeOf, knownHostName, parseKnownHosts } from './known-hosts.ts';

// A real ed25519 public key blob (from ssh-keygen), used as opaque bytes.
const BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIE1/2UPVvSZ8r5ZmCaDfN3sR0qZ9wPbhqvyH6BbjjkSb';

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdefghij');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const matches = (line: string, host: string, port: number): boolean => {
  const [entry] = parseKnownHosts(line);
  return entry !== undefined && entryMatches(entry, host, port);
};

describe('known_hosts', () => {
  it('names endpoints the way OpenSSH looks them up', () => {
    expect(knownHostName('example.com', 22)).toBe('example.com');
    expect(knownHostName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('parses entries, markers and comments, skipping junk', () => {
    const entries = parseKnownHosts(
      ['# comment', '', `a.example,b.example ssh-ed25519 ${BLOB} me@x`, `@revoked bad.example ssh-ed25519 ${BLOB}`, '@cert-authority *.example ssh-ed25519 ' + BLOB, 'broken line', `x ssh-ed25519 not*base64`].join('\n'),
    );
    expect(entries.map((entry) => [entry.line, entry.marker, entry.hosts])).toEqual([
      [3, undefined, 'a.example,b.example'],
      [4, 'revoked', 'bad.example'],
      [5, 'cert-authority', '*.example'],
    ]);
    expect(keyTypeOf(entries[0]?.key as Buffer)).toBe('ssh-ed25519');
    expect(fingerprint(entries[0]?.key as Buffer)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it.each([
    [`example.com ssh-ed25519 ${BLOB}`, 'example.com', 22, true],
    [`EXAMPLE.com ssh-ed25519 ${BLOB}`, 'example.com', 22, true],
    [`example.com ssh-ed25519 ${BLOB}`, 'example.com', 2222, false],
    [`[example.com]:2222 ssh-ed25519 ${BLOB}`, 'example.com', 2222, true],
    [`[example.com]:2222 ssh-ed25519 ${BLOB}`, 'example.com', 22, false],
    [`[example.com]:2222 ssh-ed25519 ${BLOB}`, 'example.com', 2223, false],
    [`other,example.com ssh-ed25519 ${BLOB}`, 'example.com', 22, true],
    [`*.example.com ssh-ed25519 ${BLOB}`, 'gpu1.example.com', 22, true],
    [`*.example.com,!bad.example.com ssh-ed25519 ${BLOB}`, 'bad.example.com', 22, false],
    [`gpu?.example.com ssh-ed25519 ${BLOB}`, 'gpu7.example.com', 22, true],
    [`${hashed('example.com')} ssh-ed25519 ${BLOB}`, 'example.com', 22, true],
    [`${hashed('[127.0.0.1]:2222')} ssh-ed25519 ${BLOB}`, '127.0.0.1', 2222, true],
    [`${hashed('[127.0.0.1]:2222')} ssh-ed25519 ${BLOB}`, '127.0.0.1', 2223, false],
  ])('%s matches %s:%d → %s', (line, host, port, expected) => {
    expect(matches(line, host, port)).toBe(expected);
  });
});
