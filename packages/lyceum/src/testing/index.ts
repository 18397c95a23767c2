/** Test doubles for the Lyceum provider; not part of the published package. */
export { startFakeLyceum } from './fake-lyceum.ts';
export { API_BASE_PATH, CAPACITY_DETAIL } from './dispatch.ts';
export { DEFAULT_MACHINE_TYPES } from './catalog-routes.ts';
export { readEventStream, type SseEvent } from './read-event-stream.ts';
export type * from './fake-types.ts';
