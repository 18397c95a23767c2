import type { IncomingMessage } from 'node:http';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The parsed JSON body, `undefined` when empty, or `{ invalid: true }` when not JSON. */
export function parseJsonBody(raw: string): { readonly value: unknown } | { readonly invalid: true } | undefined {
  if (raw.trim() === '') return undefined;
  try {
    return { value: JSON.parse(raw) as unknown };
  } catch {
    return { invalid: true };
  }
}
