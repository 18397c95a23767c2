import { RunctlError, type RunctlErrorCode } from '@runctl/core';
import { isCapacityText } from './runpod-errors.ts';
import type { RunpodHttp } from './runpod-http.ts';

interface GraphqlAnswer<T> {
  data?: T | null;
  errors?: Array<{ message?: string }>;
}

/**
 * Runs one GraphQL operation (never retried: the only one runctl sends is a
 * create). RunPod answers most failures with HTTP 200 and an `errors` array;
 * those become typed errors here.
 */
export async function graphql<T>(http: RunpodHttp, options: { url: string; query: string; variables: Record<string, unknown>; operation: string; provider: string; signal?: AbortSignal | undefined }): Promise<T> {
  const answer = await http.json<GraphqlAnswer<T>>({ method: 'POST', path: options.url, json: { query: options.query, variables: options.variables }, signal: options.signal, retry: false });
  const messages = (answer?.errors ?? []).map((error) => error.message ?? 'unknown error');
  if (messages.length > 0) throw graphqlError(messages, options.operation, options.provider);
  if (answer?.data === undefined || answer.data === null) {
    throw new RunctlError({ code: 'PROVIDER', provider: options.provider, message: `RunPod GraphQL ${options.operation} returned no data.` });
  }
  return answer.data;
}

/** Maps GraphQL `errors[].message` text (the only signal RunPod gives) to a code. */
export function graphqlError(messages: readonly string[], operation: string, provider: string): RunctlError {
  const text = messages.join('; ');
  const message = `RunPod GraphQL ${operation} failed: ${text}`;
  const [code, hint] = classify(text);
  return new RunctlError({ code, provider, message, hint, retryable: false });
}

function classify(text: string): [RunctlErrorCode, string | undefined] {
  if (isCapacityText(text)) return ['CAPACITY', 'No machine has this GPU free at that price now. Try another GPU type, cloud or data center.'];
  if (/bid/i.test(text) && /(below|too low|minimum)/i.test(text)) return ['CAPACITY', 'Raise bidPerGpu to at least the minimum bid RunPod names, or use on-demand.'];
  if (/(enough|insufficient) (funds|balance)|balance (is )?too low/i.test(text)) return ['QUOTA', 'Your RunPod balance is too low for this pod. Add funds in the console (Billing).'];
  if (/unauthori[sz]ed|forbidden|api key/i.test(text)) return ['AUTH', 'Check RUNPOD_API_KEY.'];
  if (/not found/i.test(text)) return ['NOT_FOUND', undefined];
  if (/(invalid|required|expected|cannot|unknown argument)/i.test(text)) return ['INVALID_INPUT', undefined];
  return ['PROVIDER', undefined];
}
