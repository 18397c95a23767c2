import { RunctlError, abortError } from '@runctl/core';
import type { RunpodPod, RunpodPodList } from './runpod-api-types.ts';
import type { RunpodHttp } from './runpod-http.ts';

interface Waiter {
  resolve: (pod: RunpodPod | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads pods, batched: every `get` issued in the same tick shares one
 * request (`GET /v2/pods/{id}` for one id, `GET /v2/pods` for several), and
 * concurrent `list` calls share one `GET /v2/pods`. A watcher or many
 * waiting `train` calls therefore cost one call per poll, not one per pod.
 * Shared requests run without any caller's signal; each caller stops
 * waiting when its own signal fires.
 */
export class PodReader {
  readonly #http: RunpodHttp;
  readonly #provider: string;
  #pending = new Map<string, Waiter[]>();
  #scheduled = false;
  #inflightList: Promise<RunpodPod[]> | undefined;

  constructor(http: RunpodHttp, provider: string) {
    this.#http = http;
    this.#provider = provider;
  }

  /** Every pod of the account (`GET /v2/pods`). */
  list(signal?: AbortSignal): Promise<RunpodPod[]> {
    this.#inflightList ??= this.#http
      .json<RunpodPodList>({ method: 'GET', path: '/pods' })
      .then((answer) => answer?.pods ?? [])
      .finally(() => {
        this.#inflightList = undefined;
      });
    return raceSignal(this.#inflightList, signal, this.#provider);
  }

  /** One pod, or `undefined` when RunPod does not know it (404 / deleted). */
  get(id: string, signal?: AbortSignal): Promise<RunpodPod | undefined> {
    if (signal?.aborted) return Promise.reject(abortError(signal, this.#provider));
    const result = new Promise<RunpodPod | undefined>((resolve, reject) => {
      const waiters = this.#pending.get(id) ?? [];
      waiters.push({ resolve, reject });
      this.#pending.set(id, waiters);
    });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => void this.#flush());
    }
    return raceSignal(result, signal, this.#provider);
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    this.#scheduled = false;
    const ids = [...batch.keys()];
    const settle = (id: string, outcome: { pod: RunpodPod | undefined } | { error: unknown }): void => {
      for (const waiter of batch.get(id) ?? []) {
        if ('error' in outcome) waiter.reject(outcome.error);
        else waiter.resolve(outcome.pod);
      }
    };
    let listed: Map<string, RunpodPod> | undefined;
    if (ids.length > 1) {
      try {
        listed = new Map((await this.list()).map((pod) => [pod.id, pod]));
      } catch (error) {
        for (const id of ids) settle(id, { error });
        return;
      }
    }
    // Ids a list did not include (cluster members, pods just gone) get their own read, for a definite answer.
    await Promise.all(
      ids.map(async (id) => {
        const pod = listed?.get(id);
        if (pod !== undefined) return settle(id, { pod });
        try {
          settle(id, { pod: await this.#getOne(id) });
        } catch (error) {
          settle(id, { error });
        }
      }),
    );
  }

  async #getOne(id: string): Promise<RunpodPod | undefined> {
    try {
      return await this.#http.json<RunpodPod>({ method: 'GET', path: `/pods/${encodeURIComponent(id)}` });
    } catch (error) {
      if (RunctlError.hasCode(error, 'NOT_FOUND')) return undefined;
      throw error;
    }
  }
}

/** `promise`, or an `ABORTED` rejection as soon as `signal` fires. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined, provider: string): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal, provider));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal, provider));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
