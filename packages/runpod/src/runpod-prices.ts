import { InvalidInputError, RunctlError, findGpu, type CallOptions, type CostEstimate } from '@runctl/core';
import type { RunpodAvailability, RunpodCatalogGpu, RunpodCatalogGpuList, RunpodCloud } from './runpod-api-types.ts';
import type { RunpodHttp } from './runpod-http.ts';
import { BUNDLED_GPU_PRICES, BUNDLED_PRICES_AS_OF } from './bundled-gpu-prices.ts';
import { raceSignal } from './pod-reader.ts';
import { resolveGpuIds } from './resolve-gpu.ts';

/** A GPU type RunPod rents, with its price and (from the live catalog) stock. */
export interface RunpodGpuType {
  /** RunPod's id, as `createResource` takes it: `NVIDIA GeForce RTX 4090`. */
  id: string;
  displayName: string;
  /** runctl's normalized name (`RTX4090`), when the GPU catalog knows the model. */
  model?: string;
  memoryGb?: number;
  /** On-demand USD per GPU per hour; absent where that cloud does not offer it. */
  pricePerGpuHour: { secure?: number; community?: number };
  /** Most GPUs one pod can have, per cloud. */
  maxCount?: { secure: number; community: number };
  /** Pod stock for the queried cloud and count (live catalog only). */
  availability?: RunpodAvailability;
  /** `live`: `/v2/catalog/gpus`; `bundled`: the fallback table shipped with runctl. */
  source: 'live' | 'bundled';
  /** When the price was fetched, or when the bundled table was compiled. */
  asOf: Date;
}

/** Options of `listGpuTypes`. */
export interface ListGpuTypesOptions extends CallOptions {
  /** Cloud the stock is for (default `SECURE`). */
  cloud?: RunpodCloud;
  /** GPU count the stock is for (default 1). */
  gpuCount?: number;
  /** Skip the cache. */
  refresh?: boolean;
}

/** Options of `estimateCost` on RunPod. */
export interface RunpodCostOptions extends CallOptions {
  gpuCount?: number;
  cloud?: RunpodCloud;
}

/** `estimateCost`'s answer, with the GPU it priced and the age of the price. */
export interface RunpodCostEstimate extends CostEstimate {
  gpuId: string;
  gpuCount: number;
  cloud: RunpodCloud;
  /** How old the price is, in ms. */
  ageMs: number;
}

/**
 * `GET /v2/catalog/gpus?include=AVAILABILITY&product=POD`, cached per
 * (cloud, count) for `ttlMs`. When the live catalog fails (outage, rate
 * limit, no key), an older live answer is used if there is one, else the
 * bundled table; every entry says which (`source`, `asOf`). Aborts are never
 * hidden.
 */
export class GpuCatalog {
  readonly #http: RunpodHttp;
  readonly #ttlMs: number;
  readonly #provider: string;
  readonly #cache = new Map<string, { types: RunpodGpuType[]; fetchedAt: number }>();
  readonly #inflight = new Map<string, Promise<RunpodGpuType[]>>();

  constructor(http: RunpodHttp, ttlMs: number, provider: string) {
    this.#http = http;
    this.#ttlMs = ttlMs;
    this.#provider = provider;
  }

  async list(options: ListGpuTypesOptions = {}): Promise<RunpodGpuType[]> {
    const cloud = options.cloud ?? 'SECURE';
    const count = options.gpuCount ?? 1;
    const key = `${cloud}:${count}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined && !options.refresh && Date.now() - cached.fetchedAt < this.#ttlMs) return cached.types;
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      pending = this.#fetch(cloud, count).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    try {
      return await raceSignal(pending, options.signal, this.#provider);
    } catch (error) {
      if (RunctlError.hasCode(error, 'ABORTED') || options.signal?.aborted) throw error;
      return cached?.types ?? [...this.#cache.values()][0]?.types ?? bundledGpuTypes();
    }
  }

  async #fetch(cloud: RunpodCloud, count: number): Promise<RunpodGpuType[]> {
    const answer = await this.#http.json<RunpodCatalogGpuList>({
      method: 'GET',
      path: '/catalog/gpus',
      searchParams: { include: 'AVAILABILITY', product: 'POD', cloud, count },
    });
    const asOf = new Date();
    const types = (answer?.gpus ?? []).map((gpu) => fromCatalog(gpu, asOf));
    this.#cache.set(`${cloud}:${count}`, { types, fetchedAt: asOf.getTime() });
    return types;
  }
}

/** The bundled fallback as {@link RunpodGpuType}s. */
export function bundledGpuTypes(): RunpodGpuType[] {
  return BUNDLED_GPU_PRICES.map((row) => ({
    id: row.id,
    displayName: row.displayName,
    ...modelOf(row.id),
    memoryGb: row.memoryGb,
    pricePerGpuHour: { ...(row.secure === undefined ? {} : { secure: row.secure }), ...(row.community === undefined ? {} : { community: row.community }) },
    source: 'bundled',
    asOf: BUNDLED_PRICES_AS_OF,
  }));
}

/** Prices `hours` of `gpuCount` × the GPU behind `instanceType` (id or alias) on `cloud`. */
export async function estimateRunpodCost(catalog: GpuCatalog, instanceType: string, hours: number, options: RunpodCostOptions, provider: string): Promise<RunpodCostEstimate> {
  const ids = resolveGpuIds(instanceType, provider).map((id) => id.toLowerCase());
  const cloud = options.cloud ?? 'SECURE';
  const gpuCount = options.gpuCount ?? 1;
  const types = await catalog.list(options.signal ? { signal: options.signal } : {});
  const pick = (list: readonly RunpodGpuType[]): RunpodGpuType | undefined =>
    ids.map((id) => list.find((type) => type.id.toLowerCase() === id)).find((type) => type !== undefined);
  const type = pick(types) ?? pick(bundledGpuTypes());
  if (type === undefined) {
    throw new InvalidInputError({ field: 'instanceType', provider, message: `Invalid instanceType: RunPod's catalog has no GPU ${JSON.stringify(instanceType)}.`, hint: 'listGpuTypes() shows every id.' });
  }
  const price = cloud === 'SECURE' ? type.pricePerGpuHour.secure : type.pricePerGpuHour.community;
  if (price === undefined) {
    throw new InvalidInputError({ field: 'options.cloud', provider, message: `Invalid options.cloud: ${type.id} is not offered on ${cloud} cloud.` });
  }
  const costPerHour = round(price * gpuCount);
  return {
    provider,
    instanceType,
    hours,
    costPerHour,
    total: round(costPerHour * hours),
    currency: 'USD',
    source: type.source,
    asOf: type.asOf,
    gpuId: type.id,
    gpuCount,
    cloud,
    ageMs: Math.max(0, Date.now() - type.asOf.getTime()),
  };
}

function fromCatalog(gpu: RunpodCatalogGpu, asOf: Date): RunpodGpuType {
  const offered = (flag: boolean | undefined, price: number): number | undefined => (flag === false || !(price > 0) ? undefined : price);
  const secure = offered(gpu.secure, gpu.price.secure);
  const community = offered(gpu.community, gpu.price.community);
  return {
    id: gpu.id,
    displayName: gpu.name,
    ...modelOf(gpu.id),
    ...(gpu.memory === undefined ? {} : { memoryGb: gpu.memory }),
    pricePerGpuHour: { ...(secure === undefined ? {} : { secure }), ...(community === undefined ? {} : { community }) },
    ...(gpu.maxCount === undefined ? {} : { maxCount: gpu.maxCount }),
    ...(gpu.availability === undefined ? {} : { availability: gpu.availability }),
    source: 'live',
    asOf,
  };
}

function modelOf(id: string): { model?: string } {
  const model = findGpu(id);
  return model === undefined || !(model.offers['runpod'] ?? []).some((offer) => offer.id === id) ? {} : { model: model.name };
}

/** Cents-and-below noise from float multiplication is not a price. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
