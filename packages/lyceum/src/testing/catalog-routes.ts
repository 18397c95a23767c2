import type { FakeMachineType } from './fake-types.ts';
import { json } from './http-io.ts';
import type { Route } from './router.ts';

/**
 * Made-up catalogue: real prices are UNKNOWN. The profiles are the VM
 * profiles the docs name plus L40S; runs accept any `execution_type` that
 * matches the pattern, since sources use several spellings (`a100`, `gpu.a100`).
 */
export const DEFAULT_MACHINE_TYPES: readonly FakeMachineType[] = [
  { hardware_profile: 'cpu', price_per_hour: 0.25 },
  { hardware_profile: 'l40s', price_per_hour: 1.15 },
  { hardware_profile: 'a100', price_per_hour: 1.95 },
  { hardware_profile: 'h100', price_per_hour: 3.25 },
];

/** `GET /machine-types`; the CLI also uses it to check a token. */
export function catalogRoutes(machineTypes: readonly FakeMachineType[]): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/machine-types',
      auth: 'bearer',
      handle: () => json(200, { machine_types: machineTypes.map((type) => ({ ...type })), count: machineTypes.length }),
    },
  ];
}
