/**
 * Test-only: a stateful fake of the RunPod REST v2 API plus the GraphQL spot
 * mutation, served on 127.0.0.1 with an ephemeral port.
 *
 * - Request bodies and query parameters are validated with Ajv (draft 2020-12)
 *   against the official spec in `packages/runpod/spec/openapi-v2.json`;
 *   violations answer 422 problem+json as the spec shows.
 * - Implemented: pods (list/create/get/patch/delete/action/logs SSE),
 *   account ssh-keys, catalog GPUs. Other spec operations answer 501.
 * - GraphQL (`POST /graphql`, Bearer header or `?api_key=`) implements only
 *   `podRentInterruptable(input: …) { … }`: the input may be an inline object
 *   literal (GraphQL literal syntax, bare enums such as `cloudType: SECURE`) or a
 *   `$variable` from `variables`; operation names, variable defaults and aliases
 *   work; fragments and directives are refused.
 */
export { startFakeRunpod, type FakePodSnapshot, type FakeRunpod, type FakeRunpodOptions } from './fake-runpod.ts';
export type { FakeCall } from './fake-call.ts';
export type { FakeFault, FaultMatch } from './faults.ts';
export { DEFAULT_GPU_CATALOG, FAKE_DATA_CENTERS, type AvailabilityLevel, type FakeGpuType } from './gpu-catalog.ts';
export type { LogSource } from './log-buffer.ts';
export type { PodStatus } from './pod-record.ts';
export type { PodView, SshEndpoint } from './pod-view.ts';
export { NO_INSTANCES_AVAILABLE, type ProblemBody } from './problem.ts';
export type { RateLimitQuotas } from './rate-limit.ts';
