import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { loadSpecDocument } from './spec-document.ts';

/** Id under which the whole OpenAPI document is registered, so `$ref`s inside it resolve. */
export const SPEC_SCHEMA_ID = 'runpod-v2';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function getAjv(): Ajv2020 {
  if (ajv) return ajv;
  // strict:false because the document carries OpenAPI-only keywords (example, x-*, ...).
  // The OpenAPI document is not itself a JSON Schema, so meta-validating it means
  // nothing; skipping that (and codegen optimisation) keeps start-up cheap in tests.
  const instance = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, code: { optimize: false } });
  instance.addFormat('date-time', RFC3339);
  instance.addFormat('uri', (value: string) => URL.canParse(value));
  // OpenAPI numeric formats only describe storage size.
  instance.addFormat('float', true);
  instance.addFormat('double', true);
  instance.addSchema(loadSpecDocument() as object, SPEC_SCHEMA_ID);
  ajv = instance;
  return instance;
}

/**
 * Validates `value` against `schema` (whose `$ref`s may point into the spec as
 * `runpod-v2#/...`) and returns violations formatted like the API's `errors[]`
 * (`"$: additional properties 'bogus' not allowed"`); empty when valid.
 */
export function validateWith(cacheKey: string, schema: object, value: unknown, root = '$'): string[] {
  let validate = compiled.get(cacheKey);
  if (!validate) {
    validate = getAjv().compile(schema);
    compiled.set(cacheKey, validate);
  }
  if (validate(value)) return [];
  return formatErrors(validate.errors ?? [], root);
}

/** Validates against `#/components/schemas/<name>` of the spec. */
export function validateComponent(name: string, value: unknown): string[] {
  return validateWith(`schema:${name}`, { $ref: `${SPEC_SCHEMA_ID}#/components/schemas/${name}` }, value);
}

function formatErrors(errors: readonly ErrorObject[], root: string): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    // An `if` failure only repeats the `then` error that follows it.
    if (error.keyword === 'if') continue;
    const message = `${toLocation(root, error.instancePath)}: ${describe(error)}`;
    if (!messages.includes(message)) messages.push(message);
  }
  return messages;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `missing property '${String(params['missingProperty'])}'`;
  if (error.keyword === 'unevaluatedProperties') {
    return `additional properties '${String(params['unevaluatedProperty'])}' not allowed`;
  }
  if (error.keyword === 'additionalProperties') {
    return `additional properties '${String(params['additionalProperty'])}' not allowed`;
  }
  return error.message ?? error.keyword;
}

function toLocation(root: string, instancePath: string): string {
  let location = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    location += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  }
  return location;
}
