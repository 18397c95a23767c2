import { InvalidInputError, findGpu } from '@runctl/core';

/** A VM: a hardware profile (`a100`, `h100`, `cpu`…) and its GPU count. */
export interface VmInstanceType {
  mode: 'vm';
  profile: string;
  /** GPUs asked for; `undefined` leaves it to Lyceum (1 for GPU profiles). */
  gpuCount: number | undefined;
}

/** A run: an `execution_type` of the execution API (`cpu`, `gpu.a100`…). */
export interface RunInstanceType {
  mode: 'run';
  executionType: string;
}

export type LyceumInstanceType = VmInstanceType | RunInstanceType;

/** GPU counts Lyceum provisions; it silently turns 0 into a billed 1-GPU VM, so nothing else is sent. */
export const GPU_COUNTS: readonly number[] = [1, 2, 4, 8];

const RUN = /^run:([A-Za-z0-9_.]+)$/;
const VM = /^([a-z0-9_]+)(?:\.(\d+)x)?$/;

/**
 * Reads an instance type:
 * - `run:<execution_type>` (`run:gpu.a100`, `run:cpu`) is run mode;
 * - `<profile>` or `<profile>.<n>x` (`a100`, `h100.8x`, `cpu`) is a VM;
 * - a normalized GPU name (`H100-SXM`, `A100-80GB`) becomes its Lyceum profile.
 */
export function parseInstanceType(value: string, provider?: string, field = 'instanceType'): LyceumInstanceType {
  const run = RUN.exec(value);
  if (run !== null) return { mode: 'run', executionType: run[1] as string };
  const vm = VM.exec(value) ?? VM.exec(findGpu(value)?.offers['lyceum']?.[0]?.id ?? '');
  if (vm === null) {
    throw new InvalidInputError({
      field,
      provider,
      message: `Invalid ${field}: ${JSON.stringify(value.slice(0, 80))} is not a Lyceum instance type. Use a VM hardware profile such as 'a100', 'h100.8x' or 'cpu', or run mode such as 'run:gpu.a100'.`,
    });
  }
  const profile = vm[1] as string;
  if (vm[2] === undefined) return { mode: 'vm', profile, gpuCount: undefined };
  const gpuCount = Number(vm[2]);
  if (profile === 'cpu' || !GPU_COUNTS.includes(gpuCount)) {
    throw new InvalidInputError({
      field,
      provider,
      message: `Invalid ${field}: ${profile === 'cpu' ? 'cpu VMs have no GPUs' : `Lyceum VMs have 1, 2, 4 or 8 GPUs, not ${gpuCount}`}.`,
    });
  }
  return { mode: 'vm', profile, gpuCount };
}

/** The instance type as runctl reports it: `a100`, `a100.4x`, `run:gpu.a100`. */
export function formatInstanceType(type: LyceumInstanceType): string {
  if (type.mode === 'run') return `run:${type.executionType}`;
  return type.gpuCount === undefined || type.gpuCount === 1 ? type.profile : `${type.profile}.${type.gpuCount}x`;
}
