import { dereference, escapePointerSegment, resolvePointer } from './spec-document.ts';
import { SPEC_SCHEMA_ID, validateWith } from './spec-validator.ts';

/** A query parameter of one operation, with a pointer to its schema inside the spec. */
interface QueryParameter {
  readonly name: string;
  readonly required: boolean;
  readonly schemaPointer: string;
}

export type QueryResult =
  | { readonly ok: true; readonly values: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Decodes the query string the way the spec declares it (comma-separated
 * `style: form, explode: false` arrays, integers, booleans) and validates it
 * against the operation's parameter schemas. Parameters the spec does not
 * declare are ignored, as HTTP APIs commonly do.
 */
export function parseQuery(specPath: string, method: string, search: URLSearchParams): QueryResult {
  const parameters = queryParameters(specPath, method);
  const values: Record<string, unknown> = {};
  for (const parameter of parameters) {
    const raw = search.getAll(parameter.name);
    if (raw.length === 0) continue;
    values[parameter.name] = coerce(raw, dereference(resolvePointer(parameter.schemaPointer)));
  }
  const schema = {
    type: 'object',
    required: parameters.filter((p) => p.required).map((p) => p.name),
    properties: Object.fromEntries(
      parameters.map((p) => [p.name, { $ref: `${SPEC_SCHEMA_ID}${p.schemaPointer}` }]),
    ),
  };
  const errors = validateWith(`query:${method} ${specPath}`, schema, values, 'query');
  return errors.length === 0 ? { ok: true, values } : { ok: false, errors };
}

function queryParameters(specPath: string, method: string): QueryParameter[] {
  const pathPointer = `#/paths/${escapePointerSegment(specPath)}`;
  const found: QueryParameter[] = [];
  for (const listPointer of [`${pathPointer}/parameters`, `${pathPointer}/${method.toLowerCase()}/parameters`]) {
    const list = resolvePointer(listPointer);
    if (!Array.isArray(list)) continue;
    list.forEach((entry: unknown, index) => {
      const ref = (entry as { $ref?: unknown }).$ref;
      const base = typeof ref === 'string' ? ref : `${listPointer}/${index}`;
      const parameter = dereference(entry);
      if (parameter['in'] !== 'query' || typeof parameter['name'] !== 'string') return;
      found.push({ name: parameter['name'], required: parameter['required'] === true, schemaPointer: `${base}/schema` });
    });
  }
  return found;
}

function coerce(raw: readonly string[], schema: Record<string, unknown>): unknown {
  if (schema['type'] === 'array') {
    const itemSchema = dereference(schema['items']);
    return raw.flatMap((value) => value.split(',')).map((item) => coerceScalar(item, itemSchema));
  }
  return coerceScalar(raw[0] ?? '', schema);
}

/** Leaves unparseable values as strings so validation reports the type error. */
function coerceScalar(value: string, schema: Record<string, unknown>): unknown {
  const type = schema['type'];
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
