export { createRunpod } from './runpod-provider.ts';
export type { RunpodMonitorOptions, RunpodProvider } from './runpod-provider-types.ts';
export { DEFAULT_BASE_URL, DEFAULT_WORKSPACE, type RunpodProviderSettings, type RunpodSshKeySettings } from './runpod-settings.ts';
export { DEFAULT_RUNPOD_IMAGE, type RunpodCreateResourceOptions, type RunpodVolume } from './runpod-create-options.ts';
export type { ListGpuTypesOptions, RunpodCostEstimate, RunpodCostOptions, RunpodGpuType } from './runpod-prices.ts';
export type { ContainerLogEvent, ContainerLogOptions } from './container-logs.ts';
export type { RunpodAvailability, RunpodCloud } from './runpod-api-types.ts';
export { MARKER_ENV } from './pod-markers.ts';
export { formatPodName, parsePodName, type PodNameParts } from './pod-name.ts';
