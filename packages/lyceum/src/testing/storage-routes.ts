import type { Bucket } from './bucket.ts';
import { validateBody, validateQuery, type ValidationResult } from './fastapi-validation.ts';
import { detail, json, unprocessable, type ApiReply } from './http-io.ts';
import { listFilesQuerySchema } from './request-schemas.ts';
import type { Route } from './router.ts';

/** `/storage/*` endpoints: listing and downloading the account bucket. */
export function storageRoutes(bucket: Bucket): Route[] {
  const list = (parsed: ValidationResult): ApiReply => {
    if (!parsed.ok) return unprocessable(parsed.issues);
    const files = bucket.list(parsed.value['prefix'] as string, parsed.value['max_files'] as number);
    return json(200, files.map((file) => ({ key: file.key, size: file.content.byteLength, last_modified: file.lastModified })));
  };
  return [
    { method: 'GET', pattern: '/storage/list-files', auth: 'bearer', handle: ({ query }) => list(validateQuery(query, listFilesQuerySchema)) },
    {
      method: 'POST',
      pattern: '/storage/list-files',
      auth: 'bearer',
      // The POST form's body is UNKNOWN; the fake takes the query's fields as JSON, or no body.
      handle: ({ body }) => list(body.kind === 'empty' ? validateQuery(new URLSearchParams(), listFilesQuerySchema) : validateBody(body, listFilesQuerySchema)),
    },
    {
      method: 'GET',
      pattern: '/storage/download/{file_key:path}',
      auth: 'bearer',
      handle: ({ params }) => {
        const file = bucket.get(params['file_key'] ?? '');
        if (!file) return detail(404, 'File not found');
        return { kind: 'bytes', status: 200, body: file.content, contentType: 'application/octet-stream' };
      },
    },
  ];
}
