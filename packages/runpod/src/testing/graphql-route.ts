import type { IncomingHttpHeaders } from 'node:http';
import { json, type FakeReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';
import { coerceLiteral, GqlRequestError } from './graphql-input.ts';
import { GqlSyntaxError } from './graphql-lexer.ts';
import { parseDocument, type GqlField, type GqlOperation, type GqlValue } from './graphql-parser.ts';
import { POD_RENT_INTERRUPTABLE_INPUT, rentInterruptablePod, SPOT_POD_SHAPE, type GqlShape } from './graphql-spot-mutation.ts';
import { parseJsonBody } from './read-body.ts';

export interface GraphqlCall {
  readonly method: string;
  readonly search: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
}

const SPOT_MUTATION = 'podRentInterruptable';

/**
 * `POST /graphql` accepting `{query, variables?, operationName?}`. Only the
 * `podRentInterruptable` mutation is implemented, with its input inline or as
 * variables. Request errors come back as HTTP 200 with `errors[]` (RunPod's
 * behaviour); only bad auth (401) and a body that is not a GraphQL request (400)
 * use other statuses.
 */
export function handleGraphql(call: GraphqlCall, state: FakeState): FakeReply {
  if (call.method !== 'POST') return graphqlErrors(['GraphQL requests must use POST.'], 405, { allow: 'POST' });
  const bearer = call.headers.authorization?.match(/^Bearer (.+)$/i)?.[1];
  // Older clients still pass the key as ?api_key= (fact sheet §2).
  if ((bearer ?? call.search.get('api_key')) !== state.apiKey) return graphqlErrors(['Unauthorized'], 401);

  const parsed = parseJsonBody(call.rawBody);
  const request = parsed && 'value' in parsed ? (parsed.value as Record<string, unknown> | null) : undefined;
  if (typeof request?.['query'] !== 'string') return graphqlErrors(['Must provide query string.'], 400);
  const variables = request['variables'] ?? {};
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    return graphqlErrors(['Variables must be provided as an Object.'], 400);
  }
  const operationName = typeof request['operationName'] === 'string' ? request['operationName'] : undefined;

  try {
    const operation = selectOperation(parseDocument(request['query']), operationName);
    return json(200, execute(operation, variables as Record<string, unknown>, state));
  } catch (error) {
    if (error instanceof GqlRequestError || error instanceof GqlSyntaxError) return graphqlErrors([error.message]);
    throw error;
  }
}

function selectOperation(operations: readonly GqlOperation[], operationName: string | undefined): GqlOperation {
  if (operationName !== undefined) {
    const named = operations.find((op) => op.name === operationName);
    if (!named) throw new GqlRequestError(`Unknown operation named "${operationName}".`);
    return named;
  }
  const [only, ...rest] = operations;
  if (!only || rest.length > 0) throw new GqlRequestError('Must provide operation name if query contains multiple operations.');
  return only;
}

/** Validates every field first (no side effects on a bad request), then runs them in order. */
function execute(operation: GqlOperation, supplied: Readonly<Record<string, unknown>>, state: FakeState): object {
  const variables = withDefaults(operation, supplied);
  const inputs = operation.selections.map((field) => validateField(operation, field, variables));
  const data: Record<string, unknown> = {};
  const errors: { message: string; path: string[] }[] = [];
  operation.selections.forEach((field, index) => {
    try {
      const pod = rentInterruptablePod(state, inputs[index] as Parameters<typeof rentInterruptablePod>[1]);
      data[field.responseKey] = project(pod, field.selections ?? []);
    } catch (error) {
      if (!(error instanceof GqlRequestError)) throw error;
      data[field.responseKey] = null;
      errors.push({ message: error.message, path: [field.responseKey] });
    }
  });
  return errors.length > 0 ? { errors, data } : { data };
}

function validateField(operation: GqlOperation, field: GqlField, variables: Readonly<Record<string, unknown>>): unknown {
  if (operation.type !== 'mutation' || field.name !== SPOT_MUTATION) {
    const type = operation.type === 'mutation' ? 'Mutation' : 'Query';
    throw new GqlRequestError(
      `Cannot query field "${field.name}" on type "${type}". (The RunPod fake implements only the ${SPOT_MUTATION} mutation.)`,
    );
  }
  for (const name of field.args.keys()) {
    if (name !== 'input') throw new GqlRequestError(`Unknown argument "${name}" on field "Mutation.${field.name}".`);
  }
  const inputLiteral = field.args.get('input');
  const input = inputLiteral === undefined ? undefined : coerceLiteral(inputLiteral, POD_RENT_INTERRUPTABLE_INPUT, variables);
  if (input === undefined || input === null) {
    throw new GqlRequestError(
      `Field "${field.name}" argument "input" of type "PodRentInterruptableInput!" is required, but it was not provided.`,
    );
  }
  if (!field.selections) {
    throw new GqlRequestError(`Field "${field.name}" of type "Pod" must have a selection of subfields. Did you mean "${field.name} { ... }"?`);
  }
  checkSelection(field.selections, SPOT_POD_SHAPE, 'Pod');
  return input;
}

function withDefaults(operation: GqlOperation, supplied: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const [name, definition] of operation.variables) {
    const value = supplied[name] ?? (definition.defaultValue ? literalToJson(definition.defaultValue) : undefined);
    if (value === undefined && definition.type.endsWith('!')) {
      throw new GqlRequestError(`Variable "$${name}" of required type "${definition.type}" was not provided.`);
    }
    if (value !== undefined) variables[name] = value;
  }
  return variables;
}

function literalToJson(value: GqlValue): unknown {
  switch (value.kind) {
    case 'variable':
      throw new GqlRequestError(`Variable "$${value.name}" cannot be used in a default value.`);
    case 'null':
      return null;
    case 'list':
      return value.values.map(literalToJson);
    case 'object':
      return Object.fromEntries([...value.fields].map(([k, v]) => [k, literalToJson(v)]));
    default:
      return value.value;
  }
}

function checkSelection(selections: readonly GqlField[], shape: GqlShape, typeName: string): void {
  for (const field of selections) {
    const sub = shape[field.name];
    if (sub === undefined) throw new GqlRequestError(`Cannot query field "${field.name}" on type "${typeName}".`);
    if (sub !== null && !field.selections) {
      throw new GqlRequestError(`Field "${field.name}" of type "${typeName}" must have a selection of subfields.`);
    }
    if (sub === null && field.selections) {
      throw new GqlRequestError(`Field "${field.name}" must not have a selection since its type has no subfields.`);
    }
    if (sub !== null && field.selections) checkSelection(field.selections, sub, field.name);
  }
}

function project(value: Record<string, unknown>, selections: readonly GqlField[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of selections) {
    const raw = value[field.name];
    result[field.responseKey] =
      field.selections && typeof raw === 'object' && raw !== null ? project(raw as Record<string, unknown>, field.selections) : raw;
  }
  return result;
}

function graphqlErrors(messages: readonly string[], status = 200, headers: Readonly<Record<string, string>> = {}): FakeReply {
  const reply = json(status, { errors: messages.map((message) => ({ message })) });
  return { ...reply, headers: { ...reply.headers, ...headers } };
}
