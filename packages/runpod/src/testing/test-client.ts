import type { FakeRunpod } from './fake-runpod.ts';

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: any;
}

/** Plain `fetch` against the fake with its bearer key, for tests of the fake itself. */
export async function call(
  fake: FakeRunpod,
  method: string,
  path: string,
  options: { readonly body?: unknown; readonly rawBody?: string; readonly headers?: Record<string, string>; readonly signal?: AbortSignal } = {},
): Promise<TestResponse> {
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${fake.apiKey}`,
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(hasBody ? { body: options.rawBody ?? JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export const GPU_POD = {
  name: 'train',
  image: 'runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404',
  gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 },
  ports: ['22/tcp'],
} as const;

/** A hand-driven clock so lifecycle tests do not sleep. */
export function manualClock(start = Date.parse('2026-06-01T12:00:00Z')): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

export interface SseFrame {
  readonly id: string;
  readonly data: { readonly ts: string; readonly source: string; readonly line: string };
}

/** Reads SSE frames until `count` arrived (then cancels) or the server ends the stream. */
export async function readSseFrames(response: Response, count = Number.POSITIVE_INFINITY): Promise<SseFrame[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  const frames: SseFrame[] = [];
  let buffer = '';
  while (frames.length < count) {
    const { done, value } = await reader.read();
    if (done) return frames;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const fields = Object.fromEntries(
        buffer.slice(0, end).split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      buffer = buffer.slice(end + 2);
      frames.push({ id: fields['id'] ?? '', data: JSON.parse(fields['data'] ?? 'null') });
    }
  }
  await reader.cancel();
  return frames;
}
