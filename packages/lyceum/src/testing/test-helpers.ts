import type { FakeLyceum } from './fake-types.ts';

/** A JSON answer of the fake, for assertions. */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** Calls `${fake.apiUrl}${path}` with the fake's key (unless headers say otherwise) and decodes JSON. */
export async function callApi(fake: FakeLyceum, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${fake.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${fake.apiUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** Polls `probe` until it returns a value other than undefined. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Starts a Python run and returns the start response body. */
export async function startPythonRun(fake: FakeLyceum, body: Record<string, unknown> = {}): Promise<{ execution_id: string; status: string; streaming_url: string }> {
  const answer = await callApi(fake, 'POST', '/execution/streaming/start', { code: 'print("hi")', nbcode: 0, execution_type: 'cpu', timeout: 60, ...body });
  if (answer.status !== 200) throw new Error(`start failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Waits until the status endpoint reports something other than pending or running. */
export async function waitForTerminalStatus(fake: FakeLyceum, executionId: string): Promise<{ status: string; errors: string | null }> {
  return waitFor(async () => {
    const answer = await callApi(fake, 'GET', `/execution/streaming/${executionId}/status`);
    return answer.body.status === 'pending' || answer.body.status === 'running' ? undefined : answer.body;
  });
}
