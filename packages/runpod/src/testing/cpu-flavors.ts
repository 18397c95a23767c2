/** CPU flavors the fake accepts, with GB of RAM per vCPU and an illustrative USD/hr per vCPU. */
const CPU_FLAVORS: Readonly<Record<string, { readonly memoryPerVcpu: number; readonly pricePerVcpu: number }>> = {
  cpu3c: { memoryPerVcpu: 2, pricePerVcpu: 0.03 },
  cpu3g: { memoryPerVcpu: 4, pricePerVcpu: 0.035 },
  cpu3m: { memoryPerVcpu: 8, pricePerVcpu: 0.045 },
  cpu5c: { memoryPerVcpu: 2, pricePerVcpu: 0.04 },
  cpu5g: { memoryPerVcpu: 4, pricePerVcpu: 0.045 },
  cpu5m: { memoryPerVcpu: 8, pricePerVcpu: 0.055 },
};

export type CpuPlacement =
  | { readonly ok: true; readonly memory: number; readonly hourlyCost: number }
  | { readonly ok: false; readonly detail: string };

export function placeCpuPod(flavorId: string, vcpuCount: number): CpuPlacement {
  const flavor = CPU_FLAVORS[flavorId];
  if (!flavor) return { ok: false, detail: `unknown CPU flavor '${flavorId}'` };
  if ((vcpuCount & (vcpuCount - 1)) !== 0) return { ok: false, detail: 'cpu.vcpuCount must be a power of two' };
  return {
    ok: true,
    memory: vcpuCount * flavor.memoryPerVcpu,
    hourlyCost: Math.round(vcpuCount * flavor.pricePerVcpu * 1000) / 1000,
  };
}
