import { hasDataCenterIn, renderGpuType, type AvailabilityQuery } from './catalog-view.ts';
import { json, type FakeReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';
import type { CloudType } from './gpu-catalog.ts';
import { problem } from './problem.ts';
import type { RestRequest } from './rest-request.ts';

export function listGpuTypes(req: RestRequest, state: FakeState): FakeReply {
  const parsed = availabilityQuery(req.query);
  if (!parsed.ok) return parsed.reply;
  const gpus = state.catalog
    .filter((gpu) => hasDataCenterIn(gpu, parsed.availability?.countryCodes))
    .map((gpu) => renderGpuType(gpu, parsed.availability));
  return json(200, { gpus });
}

export function getGpuType(req: RestRequest, state: FakeState): FakeReply {
  const parsed = availabilityQuery(req.query);
  if (!parsed.ok) return parsed.reply;
  const gpu = state.catalog.find((candidate) => candidate.id === req.params['id']);
  return gpu ? json(200, renderGpuType(gpu, parsed.availability)) : problem(404, 'gpu type not found');
}

const AVAILABILITY_ONLY = ['product', 'count', 'cloud', 'countryCodes', 'cudaVersions', 'minCudaVersion'] as const;

/** The catalog's cross-parameter rules (400s); per-value schema errors were already 422s. */
function availabilityQuery(
  query: Readonly<Record<string, unknown>>,
): { readonly ok: true; readonly availability?: AvailabilityQuery } | { readonly ok: false; readonly reply: FakeReply } {
  const include = query['include'] as readonly string[] | undefined;
  if (!include?.includes('AVAILABILITY')) {
    const stray = AVAILABILITY_ONLY.find((name) => query[name] !== undefined);
    return stray === undefined ? { ok: true } : { ok: false, reply: problem(400, `${stray} is valid only with include=AVAILABILITY`) };
  }
  if (query['product'] === undefined) {
    return { ok: false, reply: problem(400, 'product is required with include=AVAILABILITY') };
  }
  const cudaVersions = query['cudaVersions'] as readonly string[] | undefined;
  const minCudaVersion = query['minCudaVersion'] as string | undefined;
  if (cudaVersions !== undefined && minCudaVersion !== undefined) {
    return { ok: false, reply: problem(400, 'cudaVersions and minCudaVersion are mutually exclusive') };
  }
  const countryCodes = query['countryCodes'] as readonly string[] | undefined;
  return {
    ok: true,
    availability: {
      count: (query['count'] as number | undefined) ?? 1,
      cloud: (query['cloud'] as CloudType | undefined) ?? 'SECURE',
      ...(countryCodes === undefined ? {} : { countryCodes }),
      ...(cudaVersions === undefined ? {} : { cudaVersions }),
      ...(minCudaVersion === undefined ? {} : { minCudaVersion }),
    },
  };
}
