/**
 * A small imitation of how FastAPI + pydantic v2 validate request bodies and
 * query strings, producing the same `HTTPValidationError` items
 * (`{type, loc, msg, input, ctx?}`), so clients meet realistic 422s.
 */

/** One item of a FastAPI `HTTPValidationError.detail`. */
export interface ValidationIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** Rule for one field. Fields not listed are ignored, as pydantic does by default. */
export type FieldRule =
  | { kind: 'string'; required?: boolean; nullable?: boolean; default?: string | null; pattern?: string; minLength?: number; oneOf?: readonly string[] }
  | { kind: 'int'; required?: boolean; nullable?: boolean; default?: number | null; ge?: number; le?: number }
  | { kind: 'bool'; nullable?: boolean; default?: boolean | null }
  | { kind: 'string-list'; nullable?: boolean; default?: null }
  | { kind: 'object'; nullable?: boolean; default?: Record<string, unknown> | null };

export type Schema = Readonly<Record<string, FieldRule>>;

export type ValidationResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; issues: ValidationIssue[] };

/** Body as read off the wire, before validation. */
export type RawBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'invalid'; position: number; error: string };

/** Validates a JSON request body against `schema`; issues are located under `"body"`. */
export function validateBody(body: RawBody, schema: Schema): ValidationResult {
  if (body.kind === 'empty') {
    return fail([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
  }
  if (body.kind === 'invalid') {
    return fail([{ type: 'json_invalid', loc: ['body', body.position], msg: 'JSON decode error', input: {}, ctx: { error: body.error } }]);
  }
  const input = body.value;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail([{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input }]);
  }
  return validateFields(input as Record<string, unknown>, schema, 'body');
}

/** Validates query parameters (all strings on the wire) against `schema`. */
export function validateQuery(query: URLSearchParams, schema: Schema): ValidationResult {
  const input: Record<string, unknown> = {};
  for (const name of Object.keys(schema)) {
    const value = query.get(name);
    if (value !== null) input[name] = value;
  }
  return validateFields(input, schema, 'query');
}

function validateFields(input: Record<string, unknown>, schema: Schema, where: 'body' | 'query'): ValidationResult {
  const issues: ValidationIssue[] = [];
  const value: Record<string, unknown> = { ...input };
  for (const [name, rule] of Object.entries(schema)) {
    const loc = [where, name];
    if (!(name in input)) {
      if ('required' in rule && rule.required) issues.push({ type: 'missing', loc, msg: 'Field required', input: where === 'body' ? input : null });
      else value[name] = rule.default ?? null;
      continue;
    }
    const raw = input[name];
    if (raw === null && rule.nullable) continue;
    const checked = checkField(raw, rule, loc);
    if (checked.ok) value[name] = checked.value;
    else issues.push(...checked.issues);
  }
  return issues.length > 0 ? fail(issues) : { ok: true, value };
}

type FieldResult = { ok: true; value: unknown } | { ok: false; issues: ValidationIssue[] };

function checkField(raw: unknown, rule: FieldRule, loc: Array<string | number>): FieldResult {
  switch (rule.kind) {
    case 'string':
      return checkString(raw, rule, loc);
    case 'int':
      return checkInt(raw, rule, loc);
    case 'bool':
      return checkBool(raw, loc);
    case 'string-list':
      return checkStringList(raw, loc);
    case 'object':
      if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return { ok: true, value: raw };
      return issue({ type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input: raw });
  }
}

function checkString(raw: unknown, rule: Extract<FieldRule, { kind: 'string' }>, loc: Array<string | number>): FieldResult {
  if (rule.oneOf && !(typeof raw === 'string' && rule.oneOf.includes(raw))) {
    const expected = describeChoices(rule.oneOf);
    return issue({ type: 'enum', loc, msg: `Input should be ${expected}`, input: raw, ctx: { expected } });
  }
  if (typeof raw !== 'string') return issue({ type: 'string_type', loc, msg: 'Input should be a valid string', input: raw });
  if (rule.minLength !== undefined && raw.length < rule.minLength) {
    const unit = rule.minLength === 1 ? 'character' : 'characters';
    return issue({ type: 'string_too_short', loc, msg: `String should have at least ${rule.minLength} ${unit}`, input: raw, ctx: { min_length: rule.minLength } });
  }
  if (rule.pattern !== undefined && !new RegExp(rule.pattern).test(raw)) {
    return issue({ type: 'string_pattern_mismatch', loc, msg: `String should match pattern '${rule.pattern}'`, input: raw, ctx: { pattern: rule.pattern } });
  }
  return { ok: true, value: raw };
}

// pydantic's lax mode accepts integral floats and digit strings; we refuse
// booleans, which are never a sensible timeout even where pydantic allows them.
function checkInt(raw: unknown, rule: Extract<FieldRule, { kind: 'int' }>, loc: Array<string | number>): FieldResult {
  let value: number;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) return issue({ type: 'int_from_float', loc, msg: 'Input should be a valid integer, got a number with a fractional part', input: raw });
    value = raw;
  } else if (typeof raw === 'string') {
    if (!/^\s*[+-]?\d+\s*$/.test(raw)) return issue({ type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw });
    value = Number.parseInt(raw, 10);
  } else {
    return issue({ type: 'int_type', loc, msg: 'Input should be a valid integer', input: raw });
  }
  if (rule.ge !== undefined && value < rule.ge) {
    return issue({ type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${rule.ge}`, input: raw, ctx: { ge: rule.ge } });
  }
  if (rule.le !== undefined && value > rule.le) {
    return issue({ type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${rule.le}`, input: raw, ctx: { le: rule.le } });
  }
  return { ok: true, value };
}

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

function checkBool(raw: unknown, loc: Array<string | number>): FieldResult {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  if (raw === 0 || raw === 1) return { ok: true, value: raw === 1 };
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return { ok: true, value: true };
    if (FALSE_WORDS.has(word)) return { ok: true, value: false };
    return issue({ type: 'bool_parsing', loc, msg: 'Input should be a valid boolean, unable to interpret input', input: raw });
  }
  return issue({ type: 'bool_type', loc, msg: 'Input should be a valid boolean', input: raw });
}

function checkStringList(raw: unknown, loc: Array<string | number>): FieldResult {
  if (!Array.isArray(raw)) return issue({ type: 'list_type', loc, msg: 'Input should be a valid list', input: raw });
  const issues: ValidationIssue[] = [];
  raw.forEach((item, index) => {
    if (typeof item !== 'string') issues.push({ type: 'string_type', loc: [...loc, index], msg: 'Input should be a valid string', input: item });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: raw };
}

/** `'a', 'b' or 'c'`, as pydantic words enum errors. */
function describeChoices(choices: readonly string[]): string {
  const quoted = choices.map((choice) => `'${choice}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

function issue(item: ValidationIssue): FieldResult {
  return { ok: false, issues: [item] };
}

function fail(issues: ValidationIssue[]): ValidationResult {
  return { ok: false, issues };
}
