import { RunctlError, abortError, backoffDelay, sleep, type ResolvedRetryPolicy } from '@runctl/core';
import type { RunpodCreatePodBody, RunpodPod } from './runpod-api-types.ts';
import { isAmbiguous } from './runpod-errors.ts';
import type { RunpodHttp } from './runpod-http.ts';
import type { PodReader } from './pod-reader.ts';
import { rentSpotPod, type SpotPodInput } from './runpod-spot.ts';

/** One way to get the pod: a REST create, or a GraphQL spot rental. Tried in order. */
export type LaunchCandidate = { kind: 'rest'; body: RunpodCreatePodBody } | { kind: 'spot'; input: SpotPodInput };

/** What {@link launchPod} needs from the provider. */
export interface LaunchContext {
  http: RunpodHttp;
  reader: PodReader;
  graphqlURL: string;
  provider: string;
  retry: ResolvedRetryPolicy;
  /** Deletes a pod; a pod already gone is fine. */
  remove(id: string, signal?: AbortSignal): Promise<void>;
}

const CLEANUP_TIMEOUT_MS = 15_000;

/**
 * Creates exactly one pod named `podName` (whose launch id makes it unique).
 *
 * A create is never blindly retried. After a failure that may have taken
 * effect (timeout, dropped connection, 5xx), the pod is looked up by name
 * first and only re-created if absent. Once a pod is found or made after
 * such a failure, any twin with the same name (a late answer to an earlier
 * attempt) is deleted. Refused requests (429, refused connection) are
 * retried; a capacity failure (or 403 pool access) moves to the next
 * candidate. If the caller aborts while a create may be in flight, a pod it
 * made is deleted, since nobody would ever learn its id.
 */
export async function launchPod(context: LaunchContext, podName: string, candidates: readonly LaunchCandidate[], signal?: AbortSignal): Promise<RunpodPod> {
  let ambiguousSeen = false;
  let inFlight = false;
  let lastError: unknown;
  const settle = (pod: RunpodPod): Promise<RunpodPod> => (ambiguousSeen ? keepOnlyOne(context, podName, pod, signal) : Promise.resolve(pod));
  try {
    for (const candidate of candidates) {
      for (let attempt = 0; ; attempt++) {
        if (signal?.aborted) throw abortError(signal, context.provider);
        let pod: RunpodPod;
        try {
          inFlight = true;
          pod = await createOnce(context, candidate, podName, signal);
          inFlight = false;
        } catch (error) {
          // Aborted mid-request: the create may have happened (inFlight stays set for the cleanup below).
          if (signal?.aborted) throw abortError(signal, context.provider);
          inFlight = false;
          if (isAmbiguous(error)) {
            ambiguousSeen = true;
            const [found] = await findByName(context, podName, signal);
            if (found !== undefined) return await settle(found);
          }
          if (RunctlError.isInstance(error) && error.retryable && attempt < context.retry.maxRetries) {
            await sleep(Math.min(context.retry.maxDelayMs, error.retryAfterMs ?? backoffDelay(attempt + 1, context.retry)), signal);
            continue;
          }
          if (!isNextCandidateWorthTrying(error)) throw error;
          lastError = error;
          break;
        }
        return await settle(pod);
      }
    }
    throw lastError ?? new RunctlError({ code: 'INVALID_INPUT', provider: context.provider, message: 'No GPU candidate to create a pod with.' });
  } catch (error) {
    // Nobody will learn the id of a pod made by a request we gave up on: delete it rather than bill for it.
    if (inFlight || ambiguousSeen) await removeOrphans(context, podName);
    throw error;
  }
}

async function createOnce(context: LaunchContext, candidate: LaunchCandidate, podName: string, signal?: AbortSignal): Promise<RunpodPod> {
  if (candidate.kind === 'rest') {
    const pod = await context.http.json<RunpodPod>({ method: 'POST', path: '/pods', json: candidate.body, signal });
    if (pod?.id === undefined) throw new RunctlError({ code: 'PROVIDER', provider: context.provider, message: 'RunPod POST /v2/pods answered without a pod.' });
    return pod;
  }
  const id = await rentSpotPod(context.http, { url: context.graphqlURL, input: candidate.input, provider: context.provider, signal });
  // The REST view has everything runctl reads; GraphQL's answer does not.
  const pod = await context.reader.get(id, signal).catch(() => undefined);
  return pod ?? { id, name: podName, status: 'PROVISIONING' };
}

/** After an ambiguous failure, a late answer may have made a twin: keep `pod`, delete the rest. */
async function keepOnlyOne(context: LaunchContext, podName: string, pod: RunpodPod, signal?: AbortSignal): Promise<RunpodPod> {
  const twins = (await findByName(context, podName, signal)).filter((candidate) => candidate.id !== pod.id);
  await Promise.all(twins.map((twin) => context.remove(twin.id, signal)));
  return pod;
}

/** Pods with exactly this name, oldest first. */
async function findByName(context: LaunchContext, podName: string, signal?: AbortSignal): Promise<RunpodPod[]> {
  const pods = await context.reader.list(signal);
  return pods.filter((pod) => pod.name === podName).toSorted((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
}

async function removeOrphans(context: LaunchContext, podName: string): Promise<void> {
  const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
  try {
    const orphans = await findByName(context, podName, signal);
    await Promise.all(orphans.map((pod) => context.remove(pod.id, signal)));
  } catch {
    // Best effort: the pod name carries the runctl markers and expiry, so a sweep still finds it.
  }
}

function isNextCandidateWorthTrying(error: unknown): boolean {
  return RunctlError.hasCode(error, 'CAPACITY') || (RunctlError.hasCode(error, 'AUTH') && error.statusCode === 403);
}
