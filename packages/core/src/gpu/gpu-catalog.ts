/** One way to get a GPU model on one provider. */
export interface GpuOffer {
  /** The provider's own id: a RunPod GPU id, an EC2 instance type, a Lyceum hardware profile. */
  id: string;
  /** GPUs you get with that id. */
  count: number;
}

/** A GPU model under its normalized name, with what each provider calls it. */
export interface GpuModel {
  /** Normalized name, such as `A100-80GB` or `H100-SXM`. */
  name: string;
  memoryGb: number;
  /** Other spellings people use for it. */
  aliases: readonly string[];
  /** Offers per provider name (`runpod`, `aws`, `lyceum`). */
  offers: Readonly<Record<string, readonly GpuOffer[]>>;
}

const model = (name: string, memoryGb: number, aliases: string[], offers: Record<string, GpuOffer[]>): GpuModel => ({ name, memoryGb, aliases, offers });
const one = (id: string): GpuOffer => ({ id, count: 1 });
const ec2 = (...types: Array<[string, number]>): GpuOffer[] => types.map(([id, count]) => ({ id, count }));

/**
 * Normalized GPU names and each provider's instance types or ids for them.
 * RunPod ids are per GPU (count is chosen at create time); EC2 types fix the count.
 * Compiled from the providers' public documentation, November 2026.
 */
export const GPU_CATALOG: readonly GpuModel[] = [
  model('H200', 141, ['H200-SXM'], { runpod: [one('NVIDIA H200')], aws: ec2(['p5e.48xlarge', 8], ['p5en.48xlarge', 8]) }),
  model('H100-SXM', 80, ['H100', 'H100-80GB', 'H100-HBM3'], { runpod: [one('NVIDIA H100 80GB HBM3')], aws: ec2(['p5.48xlarge', 8]), lyceum: [one('h100')] }),
  model('H100-PCIe', 80, [], { runpod: [one('NVIDIA H100 PCIe')] }),
  model('H100-NVL', 94, [], { runpod: [one('NVIDIA H100 NVL')] }),
  model('B200', 180, [], { runpod: [one('NVIDIA B200')] }),
  model('A100-80GB', 80, ['A100-80G', 'A100-SXM4-80GB'], {
    runpod: [one('NVIDIA A100-SXM4-80GB'), one('NVIDIA A100 80GB PCIe')],
    aws: ec2(['p4de.24xlarge', 8]),
    lyceum: [one('a100')],
  }),
  model('A100-40GB', 40, ['A100', 'A100-40G'], { aws: ec2(['p4d.24xlarge', 8]) }),
  model('L40S', 48, [], { runpod: [one('NVIDIA L40S')], aws: ec2(['g6e.xlarge', 1], ['g6e.12xlarge', 4], ['g6e.48xlarge', 8]), lyceum: [one('l40s')] }),
  model('L40', 48, [], { runpod: [one('NVIDIA L40')] }),
  model('L4', 24, [], { runpod: [one('NVIDIA L4')], aws: ec2(['g6.xlarge', 1], ['g6.12xlarge', 4], ['g6.48xlarge', 8]) }),
  model('A10G', 24, [], { aws: ec2(['g5.xlarge', 1], ['g5.12xlarge', 4], ['g5.48xlarge', 8]) }),
  model('A40', 48, [], { runpod: [one('NVIDIA A40')] }),
  model('T4', 16, [], { aws: ec2(['g4dn.xlarge', 1], ['g4dn.12xlarge', 4], ['g4dn.metal', 8]) }),
  model('V100', 16, ['V100-16GB'], { aws: ec2(['p3.2xlarge', 1], ['p3.8xlarge', 4], ['p3.16xlarge', 8]) }),
  model('RTX4090', 24, ['RTX-4090', '4090'], { runpod: [one('NVIDIA GeForce RTX 4090')] }),
  model('RTX5090', 32, ['RTX-5090', '5090'], { runpod: [one('NVIDIA GeForce RTX 5090')] }),
  model('RTX3090', 24, ['RTX-3090', '3090'], { runpod: [one('NVIDIA GeForce RTX 3090')] }),
  model('RTX-A6000', 48, ['RTX A6000', 'A6000'], { runpod: [one('NVIDIA RTX A6000')] }),
  model('RTX-A5000', 24, ['RTX A5000', 'A5000'], { runpod: [one('NVIDIA RTX A5000')] }),
  model('RTX-A4000', 16, ['RTX A4000', 'A4000'], { runpod: [one('NVIDIA RTX A4000')] }),
  model('RTX-6000-Ada', 48, ['RTX 6000 Ada', 'RTX6000-ADA'], { runpod: [one('NVIDIA RTX 6000 Ada Generation')] }),
  model('MI300X', 192, [], { runpod: [one('AMD Instinct MI300X OAM')] }),
];

const normalize = (text: string): string => text.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * Finds a GPU model by its normalized name, an alias, or any provider's id
 * for it, ignoring case, spaces, dashes and underscores.
 *
 * @example
 * ```ts
 * findGpu('a100-80gb')?.offers.runpod;        // [{ id: 'NVIDIA A100-SXM4-80GB', count: 1 }, …]
 * findGpu('NVIDIA H100 80GB HBM3')?.name;     // 'H100-SXM'
 * findGpu('g5.xlarge')?.name;                 // 'A10G'
 * ```
 */
export function findGpu(nameOrId: string): GpuModel | undefined {
  const wanted = normalize(nameOrId);
  return GPU_CATALOG.find(
    (gpu) =>
      normalize(gpu.name) === wanted ||
      gpu.aliases.some((alias) => normalize(alias) === wanted) ||
      Object.values(gpu.offers).some((offers) => offers.some((offer) => normalize(offer.id) === wanted)),
  );
}
