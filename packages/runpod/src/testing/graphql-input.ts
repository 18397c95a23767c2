import type { GqlValue } from './graphql-parser.ts';

/** Just enough of GraphQL's input type system to vet the fake's mutation inputs. */
export type GqlInputType =
  | { readonly kind: 'scalar'; readonly name: 'String' | 'Int' | 'Float' | 'Boolean' }
  | { readonly kind: 'enum'; readonly name: string; readonly values: readonly string[] }
  | { readonly kind: 'list'; readonly of: GqlInputType }
  | { readonly kind: 'object'; readonly name: string; readonly fields: Readonly<Record<string, GqlInputField>> };

export interface GqlInputField {
  readonly type: GqlInputType;
  readonly nonNull?: boolean;
}

/** A request error reported in `errors[]` with HTTP 200, like RunPod does. */
export class GqlRequestError extends Error {
  override readonly name = 'GqlRequestError';
}

export function printType(type: GqlInputType, nonNull = false): string {
  const base = type.kind === 'list' ? `[${printType(type.of)}]` : type.name;
  return nonNull ? `${base}!` : base;
}

/**
 * Coerces an inline literal to plain JS per GraphQL's input coercion rules
 * (so `cloudType: "SECURE"` is refused, as the real server refuses it).
 * A `$variable` switches to JSON coercion of the supplied value. Returns
 * `undefined` for an absent variable, which callers treat as "not provided".
 */
export function coerceLiteral(value: GqlValue, type: GqlInputType, variables: Readonly<Record<string, unknown>>): unknown {
  if (value.kind === 'variable') {
    const supplied = variables[value.name];
    return supplied === undefined ? undefined : coerceJson(supplied, type, `Variable "$${value.name}"`);
  }
  if (value.kind === 'null') return null;
  switch (type.kind) {
    case 'scalar':
      return coerceScalarLiteral(value, type.name);
    case 'enum':
      if (value.kind !== 'enum') throw new GqlRequestError(`Enum "${type.name}" cannot represent non-enum value: ${print(value)}.`);
      if (!type.values.includes(value.value)) throw new GqlRequestError(`Value "${value.value}" does not exist in "${type.name}" enum.`);
      return value.value;
    case 'list':
      return value.kind === 'list'
        ? value.values.map((item) => coerceLiteral(item, type.of, variables))
        : [coerceLiteral(value, type.of, variables)];
    case 'object': {
      if (value.kind !== 'object') throw new GqlRequestError(`Expected value of type "${type.name}", found ${print(value)}.`);
      const entries = [...value.fields].map(([name, field]) => {
        const definition = type.fields[name];
        if (!definition) throw new GqlRequestError(`Field "${name}" is not defined by type "${type.name}".`);
        return [name, coerceLiteral(field, definition.type, variables)] as const;
      });
      return withRequiredFields(Object.fromEntries(entries.filter(([, v]) => v !== undefined)), type);
    }
  }
}

function coerceScalarLiteral(value: GqlValue, name: 'String' | 'Int' | 'Float' | 'Boolean'): unknown {
  if (name === 'String' && value.kind === 'string') return value.value;
  if (name === 'Int' && value.kind === 'int') return value.value;
  if (name === 'Float' && (value.kind === 'int' || value.kind === 'float')) return value.value;
  if (name === 'Boolean' && value.kind === 'boolean') return value.value;
  throw new GqlRequestError(`${name} cannot represent ${scalarExpectation(name)} value: ${print(value)}`);
}

/** Variables arrive as JSON, where enums are plain strings. */
function coerceJson(value: unknown, type: GqlInputType, context: string): unknown {
  if (value === null) return null;
  const fail = (reason: string): never => {
    throw new GqlRequestError(`${context} got invalid value ${JSON.stringify(value)}; ${reason}`);
  };
  switch (type.kind) {
    case 'scalar': {
      const ok =
        (type.name === 'String' && typeof value === 'string') ||
        (type.name === 'Int' && Number.isInteger(value)) ||
        (type.name === 'Float' && typeof value === 'number' && Number.isFinite(value)) ||
        (type.name === 'Boolean' && typeof value === 'boolean');
      return ok ? value : fail(`${type.name} cannot represent ${scalarExpectation(type.name)} value.`);
    }
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? value : fail(`Value does not exist in "${type.name}" enum.`);
    case 'list':
      return Array.isArray(value) ? value.map((item) => coerceJson(item, type.of, context)) : [coerceJson(value, type.of, context)];
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return fail(`Expected type "${type.name}" to be an object.`);
      const entries = Object.entries(value as Record<string, unknown>).map(([name, field]) => {
        const definition = type.fields[name];
        if (!definition) return fail(`Field "${name}" is not defined by type "${type.name}".`);
        return [name, coerceJson(field, definition.type, context)] as const;
      });
      return withRequiredFields(Object.fromEntries(entries), type);
    }
  }
}

function withRequiredFields(
  value: Record<string, unknown>,
  type: Extract<GqlInputType, { kind: 'object' }>,
): Record<string, unknown> {
  for (const [name, field] of Object.entries(type.fields)) {
    if (!field.nonNull) continue;
    if (value[name] === undefined) {
      throw new GqlRequestError(`Field "${type.name}.${name}" of required type "${printType(field.type, true)}" was not provided.`);
    }
    if (value[name] === null) throw new GqlRequestError(`Expected value of type "${printType(field.type, true)}", found null.`);
  }
  return value;
}

function scalarExpectation(name: string): string {
  if (name === 'Int') return 'non-integer';
  if (name === 'Float') return 'non numeric';
  if (name === 'Boolean') return 'a non boolean';
  return 'a non string';
}

function print(value: GqlValue): string {
  switch (value.kind) {
    case 'variable':
      return `$${value.name}`;
    case 'string':
      return JSON.stringify(value.value);
    case 'int':
    case 'float':
    case 'boolean':
    case 'enum':
      return String(value.value);
    case 'null':
      return 'null';
    case 'list':
      return `[${value.values.map(print).join(', ')}]`;
    case 'object':
      return `{${[...value.fields].map(([k, v]) => `${k}: ${print(v)}`).join(', ')}}`;
  }
}
