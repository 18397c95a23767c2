import { AwsApiError } from './aws-api-error.ts';
import { checkFilterNames, matchesFilters } from './ec2-filters.ts';
import { getFilters, getInteger, getString, getStringList, type Ec2Request } from './ec2-query-parser.ts';
import type { XmlNode } from './ec2-xml.ts';
import type { FakeCloud } from './fake-cloud.ts';
import type { InstanceTypeSpec } from './instance-types.ts';
import { paginate } from './pagination-token.ts';

const HOUR = 3_600_000;
const HISTORY_DAYS = 90;
/** Hours ago at which the fake Spot price last changed (newest first). */
const PRICE_CHANGES_HOURS_AGO = [1, 26, 51, 80];
const PRODUCTS = ['Linux/UNIX', 'Windows'];

/**
 * DescribeSpotPriceHistory from the instance-type catalog: a few price changes
 * per type and zone, newest first; like AWS, the answer includes the last
 * change before StartTime.
 */
export function describeSpotPriceHistory(cloud: FakeCloud, req: Ec2Request): XmlNode {
  const p = req.params;
  const now = cloud.now();
  const types = requestedTypes(cloud, getStringList(p, 'InstanceType'));
  const products = getStringList(p, 'ProductDescription');
  const zone = getString(p, 'AvailabilityZone');
  const end = parseTime(getString(p, 'EndTime')) ?? now;
  const start = parseTime(getString(p, 'StartTime')) ?? end - HISTORY_DAYS * 24 * HOUR;
  const filters = getFilters(p);
  const zones = cloud.options.ec2.availabilityZones.map((z) => `${cloud.options.region}${z}`);
  const rows: XmlNode[] = [];
  for (const type of types) {
    zones.forEach((az, zoneIndex) => {
      if (zone !== undefined && zone !== az) return;
      for (const product of PRODUCTS) {
        if (products.length > 0 && !products.includes(product)) continue;
        const points = PRICE_CHANGES_HOURS_AGO.map((hoursAgo, i) => ({
          at: now - hoursAgo * HOUR,
          price: spotPrice(type, zoneIndex, i, product),
        }));
        const inRange = points.filter((pt) => pt.at >= start && pt.at <= end);
        const before = points.find((pt) => pt.at < start);
        for (const pt of before ? [...inRange, before] : inRange) {
          const row = {
            availabilityZone: az,
            instanceType: type.name,
            productDescription: product,
            spotPrice: pt.price.toFixed(6),
            timestamp: new Date(pt.at),
          };
          const keep = matchesFilters(filters, (name) => {
            const fields: Record<string, string[]> = {
              'availability-zone': [row.availabilityZone],
              'instance-type': [row.instanceType],
              'product-description': [row.productDescription],
              'spot-price': [row.spotPrice],
            };
            return fields[name];
          });
          if (keep) rows.push(row);
        }
      }
    });
  }
  rows.sort((a, b) => (b['timestamp'] as Date).getTime() - (a['timestamp'] as Date).getTime());
  const { page, nextToken } = paginate(
    rows,
    // Scope from the request as sent: defaults like EndTime=now move between pages.
    `DescribeSpotPriceHistory:${JSON.stringify([types.map((t) => t.name), products, zone, getString(p, 'StartTime'), getString(p, 'EndTime'), filters])}`,
    getString(p, 'NextToken'),
    getInteger(p, 'MaxResults'),
    'InvalidPaginationToken',
  );
  return { spotPriceHistorySet: page, nextToken: nextToken ?? '' };
}

/** DescribeInstanceTypes (a minimal InstanceTypeInfo per type). */
export function describeInstanceTypes(cloud: FakeCloud, req: Ec2Request): XmlNode {
  const p = req.params;
  const types = requestedTypes(cloud, getStringList(p, 'InstanceType'), 'InvalidInstanceType');
  const filters = getFilters(p);
  const fields = (t: InstanceTypeSpec) => (name: string): string[] | undefined => {
    const table: Record<string, string[]> = {
      'instance-type': [t.name],
      'current-generation': [String(t.name !== 'm1.small')],
      'processor-info.supported-architecture': [t.architecture],
      'gpu-info.gpus.manufacturer': t.gpu ? [t.gpu.manufacturer] : [],
      'gpu-info.gpus.name': t.gpu ? [t.gpu.name] : [],
    };
    return table[name];
  };
  const first = types[0];
  if (first) checkFilterNames(filters, fields(first));
  const maxResults = getInteger(p, 'MaxResults');
  if (maxResults !== undefined && (maxResults < 5 || maxResults > 100)) {
    throw new AwsApiError('InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid.`);
  }
  const matching = types.filter((t) => matchesFilters(filters, fields(t)));
  const { page, nextToken } = paginate(
    matching,
    `DescribeInstanceTypes:${JSON.stringify(filters)}`,
    getString(p, 'NextToken'),
    maxResults,
    'InvalidPaginationToken',
  );
  return { instanceTypeSet: page.map(instanceTypeXml), nextToken };
}

function instanceTypeXml(t: InstanceTypeSpec): XmlNode {
  return {
    instanceType: t.name,
    currentGeneration: t.name !== 'm1.small',
    freeTierEligible: t.name === 't3.micro',
    supportedUsageClasses: ['on-demand', 'spot'],
    supportedRootDeviceTypes: ['ebs'],
    supportedVirtualizationTypes: ['hvm'],
    bareMetal: false,
    hypervisor: 'nitro',
    processorInfo: { supportedArchitectures: [t.architecture] },
    vCpuInfo: { defaultVCpus: t.vcpus, defaultCores: Math.max(1, t.vcpus / 2), defaultThreadsPerCore: t.vcpus > 1 ? 2 : 1 },
    memoryInfo: { sizeInMiB: t.memoryMiB },
    instanceStorageSupported: false,
    gpuInfo: t.gpu
      ? {
          gpus: [{ name: t.gpu.name, manufacturer: t.gpu.manufacturer, count: t.gpu.count, memoryInfo: { sizeInMiB: t.gpu.memoryMiB } }],
          totalGpuMemoryInMiB: t.gpu.count * t.gpu.memoryMiB,
        }
      : undefined,
  };
}

function requestedTypes(cloud: FakeCloud, names: string[], errorCode = 'InvalidParameterValue'): InstanceTypeSpec[] {
  const catalog = cloud.options.ec2.instanceTypes;
  if (names.length === 0) return catalog;
  const unknown = names.filter((n) => !catalog.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw new AwsApiError(errorCode, `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
  }
  return catalog.filter((t) => names.includes(t.name));
}

/** Deterministic, slightly different per zone and over time. */
function spotPrice(type: InstanceTypeSpec, zoneIndex: number, change: number, product: string): number {
  const windows = product === 'Windows' ? 1.6 : 1;
  return type.spotUsd * windows * (1 + 0.04 * zoneIndex - 0.015 * change);
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AwsApiError('InvalidParameterValue', `Invalid date: ${value}`);
  return ms;
}
