import { readFileSync } from 'node:fs';

/** The official RunPod REST v2 OpenAPI document that ships in this package's `spec/` folder. */
export type SpecDocument = Readonly<Record<string, unknown>>;

let cached: SpecDocument | undefined;

/** Reads the spec once per process; every fake instance shares it. */
export function loadSpecDocument(): SpecDocument {
  cached ??= JSON.parse(
    readFileSync(new URL('../../spec/openapi-v2.json', import.meta.url), 'utf8'),
  ) as SpecDocument;
  return cached;
}

/** Escapes one JSON-pointer segment (RFC 6901), e.g. a path such as `/v2/pods`. */
export function escapePointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Resolves a local pointer such as `#/components/parameters/LogTail`. */
export function resolvePointer(pointer: string): unknown {
  const segments = pointer.replace(/^#\/?/, '').split('/').filter((s) => s !== '');
  let node: unknown = loadSpecDocument();
  for (const raw of segments) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Follows `$ref`s until reaching an inline object (parameters and schemas both use them). */
export function dereference(node: unknown): Record<string, unknown> {
  let current = node;
  for (let hops = 0; hops < 10; hops++) {
    if (typeof current !== 'object' || current === null) return {};
    const ref = (current as { $ref?: unknown }).$ref;
    if (typeof ref !== 'string') return current as Record<string, unknown>;
    current = resolvePointer(ref);
  }
  return {};
}
