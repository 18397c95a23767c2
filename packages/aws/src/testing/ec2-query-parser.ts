import { AwsApiError } from './aws-api-error.ts';

/**
 * EC2 Query requests are flat form fields (`Filter.1.Value.2=x`). We nest them
 * into objects and 1-based arrays so handlers read `params.Filter[0].Value[1]`.
 */
export type QueryValue = string | QueryObject | QueryValue[];
export interface QueryObject {
  [key: string]: QueryValue | undefined;
}

export interface Ec2Request {
  action: string;
  version: string;
  /** The fields as sent, without Action and Version (used for idempotency fingerprints). */
  flat: Record<string, string>;
  params: QueryObject;
}

export function parseEc2Request(body: string): Ec2Request {
  const flat: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) flat[key] = value;
  const action = flat['Action'];
  const version = flat['Version'];
  delete flat['Action'];
  delete flat['Version'];
  if (!action) throw new AwsApiError('MissingAction', 'The request must contain the parameter Action');
  return { action, version: version ?? '', flat, params: nestQueryFields(flat) };
}

export function nestQueryFields(flat: Record<string, string>): QueryObject {
  const root: QueryObject = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = value;
        return;
      }
      const next = node[part];
      if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
        node = next;
      } else {
        const created: QueryObject = {};
        node[part] = created;
        node = created;
      }
    });
  }
  return arraysFromIndexedObjects(root) as QueryObject;
}

/** Turns `{ '1': a, '2': b }` into `[a, b]` (ordered by index, gaps dropped). */
function arraysFromIndexedObjects(value: QueryValue): QueryValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: QueryObject = {};
  for (const key of keys) {
    const child = value[key];
    if (child !== undefined) converted[key] = arraysFromIndexedObjects(child);
  }
  if (keys.length > 0 && keys.every((k) => /^[1-9][0-9]*$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((n) => converted[String(n)])
      .filter((v): v is QueryValue => v !== undefined);
  }
  return converted;
}

// Typed accessors: EC2 answers malformed values with InvalidParameterValue.

export function getString(obj: QueryObject | undefined, key: string): string | undefined {
  const value = obj?.[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new AwsApiError('InvalidParameterValue', `Invalid value for parameter ${key}`);
  }
  return value;
}

export function getObject(obj: QueryObject | undefined, key: string): QueryObject | undefined {
  const value = obj?.[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new AwsApiError('InvalidParameterValue', `Invalid value for parameter ${key}`);
  }
  return value;
}

export function getObjectList(obj: QueryObject | undefined, key: string): QueryObject[] {
  const value = obj?.[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || Array.isArray(v))) {
    throw new AwsApiError('InvalidParameterValue', `Invalid value for parameter ${key}`);
  }
  return value as QueryObject[];
}

export function getStringList(obj: QueryObject | undefined, key: string): string[] {
  const value = obj?.[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new AwsApiError('InvalidParameterValue', `Invalid value for parameter ${key}`);
  }
  return value as string[];
}

export function getInteger(obj: QueryObject | undefined, key: string): number | undefined {
  const raw = getString(obj, key);
  if (raw === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(raw)) {
    throw new AwsApiError('InvalidParameterValue', `Invalid value '${raw}' for ${key}`);
  }
  return Number(raw);
}

export function getBoolean(obj: QueryObject | undefined, key: string): boolean | undefined {
  const raw = getString(obj, key);
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') {
    throw new AwsApiError('InvalidParameterValue', `Invalid value '${raw}' for ${key}`);
  }
  return raw === 'true';
}

export interface Ec2Filter {
  name: string;
  values: string[];
}

export function getFilters(params: QueryObject): Ec2Filter[] {
  return getObjectList(params, 'Filter').map((f) => {
    const name = getString(f, 'Name');
    if (!name) throw new AwsApiError('InvalidParameterValue', 'The filter name must not be empty');
    return { name, values: getStringList(f, 'Value') };
  });
}
