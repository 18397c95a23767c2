import { AwsApiError } from './aws-api-error.ts';

/** Reading awsJson1_1 request members; wrong types are ValidationException (as AWS). */
export type JsonObject = Record<string, unknown>;

export function parseJsonBody(body: string): JsonObject {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsApiError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsApiError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as JsonObject;
}

function validation(member: string, constraint: string): AwsApiError {
  return new AwsApiError(
    'ValidationException',
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

export function optString(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validation(lowerFirst(key), 'Member must be a string');
  return v;
}

export function reqString(o: JsonObject, key: string): string {
  const v = optString(o, key);
  if (v === undefined) throw validation(lowerFirst(key), 'Member must not be null');
  return v;
}

export function optNumber(o: JsonObject, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw validation(lowerFirst(key), 'Member must be a number');
  return v;
}

export function optBoolean(o: JsonObject, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw validation(lowerFirst(key), 'Member must be a boolean');
  return v;
}

export function optStringList(o: JsonObject, key: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw validation(lowerFirst(key), 'Member must be a list of strings');
  return v as string[];
}

export function optObjectList(o: JsonObject, key: string): JsonObject[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) {
    throw validation(lowerFirst(key), 'Member must be a list of structures');
  }
  return v as JsonObject[];
}

export function optObject(o: JsonObject, key: string): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw validation(lowerFirst(key), 'Member must be a structure');
  return v as JsonObject;
}

export function checkRange(key: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value < min) throw validation(lowerFirst(key), `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validation(lowerFirst(key), `Member must have value less than or equal to ${max}`);
}

/** awsJson timestamps are epoch seconds. */
export const epochSeconds = (ms: number): number => ms / 1000;
