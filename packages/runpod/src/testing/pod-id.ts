import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Real pod ids look like `xedezhzb9la3ye`: 14 lowercase alphanumerics. */
export function newPodId(): string {
  return Array.from({ length: 14 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** The hex suffix of proxy usernames such as `7h9k2m4n6p-64411eb2`. */
export function newHexSuffix(): string {
  return randomBytes(4).toString('hex');
}
