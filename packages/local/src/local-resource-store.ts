import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunctlError, type ResourceStatus } from '@runctl/core';

/** What is kept about a local resource, in `<root>/<id>/.runctl/resource.json`. */
export interface LocalResourceRecord {
  id: string;
  name: string;
  createdAt: string;
  tags: Record<string, string>;
  expiresAt?: string;
  terminatedAt?: string;
}

const TOMBSTONE_TTL_MS = 24 * 3_600_000;

/**
 * Local resources on disk: a live one is a workspace folder; a terminated
 * one leaves a small tombstone for a day, so its status still answers
 * `terminated` instead of `NOT_FOUND`.
 */
export class LocalResourceStore {
  readonly root: string;
  readonly provider: string;

  constructor(root: string, provider: string) {
    this.root = root;
    this.provider = provider;
  }

  newId(): string {
    return `local-${randomBytes(5).toString('hex')}`;
  }

  workspace(id: string): string {
    return join(this.root, id);
  }

  async create(record: LocalResourceRecord): Promise<void> {
    const dir = join(this.workspace(record.id), '.runctl');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeJson(join(dir, 'resource.json'), record);
  }

  /** The live record, the tombstone, or `undefined` when the id was never ours. */
  async read(id: string): Promise<LocalResourceRecord | undefined> {
    return (await readJson(join(this.workspace(id), '.runctl', 'resource.json'))) ?? (await readJson(this.#tombstone(id)));
  }

  async require(id: string): Promise<LocalResourceRecord> {
    const record = await this.read(id);
    if (record === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider: this.provider, message: `No local resource ${id} under ${this.root}.` });
    return record;
  }

  /** Every live resource and every recent tombstone. */
  async list(): Promise<LocalResourceRecord[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const live = await Promise.all(
      entries.filter((entry) => entry.isDirectory() && entry.name.startsWith('local-')).map((entry) => readJson(join(this.root, entry.name, '.runctl', 'resource.json'))),
    );
    const tombstoneDir = join(this.root, '.terminated');
    const tombstones: LocalResourceRecord[] = [];
    for (const name of await readdir(tombstoneDir).catch(() => [] as string[])) {
      const path = join(tombstoneDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined && Date.now() - info.mtimeMs > TOMBSTONE_TTL_MS) await rm(path, { force: true });
      else {
        const record = await readJson(path);
        if (record !== undefined) tombstones.push(record);
      }
    }
    return [...live.filter((record): record is LocalResourceRecord => record !== undefined), ...tombstones];
  }

  /** Replaces the workspace with a tombstone. */
  async remove(record: LocalResourceRecord): Promise<void> {
    await mkdir(join(this.root, '.terminated'), { recursive: true });
    await writeJson(this.#tombstone(record.id), { ...record, terminatedAt: new Date().toISOString() });
    // Rename first so a half-finished delete never looks like a live workspace.
    const doomed = join(this.root, `.deleting-${record.id}-${Date.now()}`);
    await rename(this.workspace(record.id), doomed).catch(() => undefined);
    await rm(doomed, { recursive: true, force: true });
  }

  toStatus(record: LocalResourceRecord): ResourceStatus {
    const terminated = record.terminatedAt !== undefined;
    return {
      id: record.id,
      name: record.name,
      provider: this.provider,
      state: terminated ? 'terminated' : 'running',
      raw: terminated ? 'terminated' : 'ready',
      instanceType: 'local',
      launchTime: new Date(record.createdAt),
      costPerHour: 0,
      publicIp: '127.0.0.1',
      tags: record.tags,
      ...(record.expiresAt ? { expiresAt: new Date(record.expiresAt) } : {}),
    };
  }

  #tombstone(id: string): string {
    return join(this.root, '.terminated', `${id}.json`);
  }
}

async function readJson(path: string): Promise<LocalResourceRecord | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as LocalResourceRecord;
  } catch {
    return undefined;
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
