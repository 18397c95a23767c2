/** One instance type the fake EC2 knows. Prices are illustrative, not live AWS prices. */
export interface GpuSpec {
  count: number;
  name: string;
  manufacturer: string;
  memoryMiB: number;
}

export interface InstanceTypeSpec {
  name: string;
  vcpus: number;
  memoryMiB: number;
  architecture: 'x86_64' | 'arm64';
  gpu?: GpuSpec;
  /** Linux On-Demand $/hour, us-east-1 (from the fact sheet where listed). */
  onDemandUsd: number;
  /** Made-up Spot $/hour used by DescribeSpotPriceHistory. */
  spotUsd: number;
}

const nvidia = (name: string, count: number, memoryMiB: number): GpuSpec => ({
  count,
  name,
  manufacturer: 'NVIDIA',
  memoryMiB,
});

export const DEFAULT_INSTANCE_TYPES: InstanceTypeSpec[] = [
  { name: 't3.micro', vcpus: 2, memoryMiB: 1024, architecture: 'x86_64', onDemandUsd: 0.0104, spotUsd: 0.0037 },
  { name: 'm5.large', vcpus: 2, memoryMiB: 8192, architecture: 'x86_64', onDemandUsd: 0.096, spotUsd: 0.039 },
  { name: 'm1.small', vcpus: 1, memoryMiB: 1740, architecture: 'x86_64', onDemandUsd: 0.044, spotUsd: 0.0044 },
  { name: 'c5.xlarge', vcpus: 4, memoryMiB: 8192, architecture: 'x86_64', onDemandUsd: 0.17, spotUsd: 0.068 },
  { name: 'c7g.large', vcpus: 2, memoryMiB: 4096, architecture: 'arm64', onDemandUsd: 0.0725, spotUsd: 0.031 },
  {
    name: 'g4dn.xlarge', vcpus: 4, memoryMiB: 16384, architecture: 'x86_64',
    gpu: nvidia('T4', 1, 16384), onDemandUsd: 0.526, spotUsd: 0.2103,
  },
  {
    name: 'g5.xlarge', vcpus: 4, memoryMiB: 16384, architecture: 'x86_64',
    gpu: nvidia('A10G', 1, 24576), onDemandUsd: 1.006, spotUsd: 0.4521,
  },
  {
    name: 'g5.12xlarge', vcpus: 48, memoryMiB: 196608, architecture: 'x86_64',
    gpu: nvidia('A10G', 4, 24576), onDemandUsd: 5.672, spotUsd: 2.3144,
  },
  {
    name: 'g6.xlarge', vcpus: 4, memoryMiB: 16384, architecture: 'x86_64',
    gpu: nvidia('L4', 1, 24576), onDemandUsd: 0.8048, spotUsd: 0.3441,
  },
  {
    name: 'g6e.xlarge', vcpus: 4, memoryMiB: 32768, architecture: 'x86_64',
    gpu: nvidia('L40S', 1, 49152), onDemandUsd: 1.861, spotUsd: 0.7922,
  },
  {
    name: 'p3.2xlarge', vcpus: 8, memoryMiB: 62464, architecture: 'x86_64',
    gpu: nvidia('V100', 1, 16384), onDemandUsd: 3.06, spotUsd: 0.918,
  },
  {
    name: 'p4d.24xlarge', vcpus: 96, memoryMiB: 1179648, architecture: 'x86_64',
    gpu: nvidia('A100', 8, 40960), onDemandUsd: 21.9576, spotUsd: 9.4321,
  },
  {
    name: 'p5.48xlarge', vcpus: 192, memoryMiB: 2097152, architecture: 'x86_64',
    gpu: nvidia('H100', 8, 81920), onDemandUsd: 55.04, spotUsd: 24.1287,
  },
];
