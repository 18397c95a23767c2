import type { FakeStoredFile } from './fake-types.ts';

/** The account's object bucket: runs leave outputs here, `/storage/*` reads them. */
export class Bucket {
  readonly #files = new Map<string, FakeStoredFile>();

  put(key: string, content: string | Uint8Array): void {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : Uint8Array.from(content);
    this.#files.set(key, { key, content: bytes, lastModified: new Date().toISOString() });
  }

  putAll(files: Readonly<Record<string, string | Uint8Array>>): void {
    for (const [key, content] of Object.entries(files)) this.put(key, content);
  }

  get(key: string): FakeStoredFile | undefined {
    return this.#files.get(key);
  }

  /** Files under `prefix`, sorted by key, at most `max`. */
  list(prefix: string, max: number): FakeStoredFile[] {
    return [...this.#files.values()]
      .filter((file) => file.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, max);
  }

  views(): FakeStoredFile[] {
    return this.list('', Number.POSITIVE_INFINITY).map((file) => ({ ...file, content: file.content.slice() }));
  }
}
