import { getGpuType, listGpuTypes } from './catalog-routes.ts';
import { createPod } from './create-pod-route.ts';
import { podAction } from './pod-action-route.ts';
import { streamPodLogs } from './pod-logs-route.ts';
import { deletePod, getPod, listPods } from './pods-routes.ts';
import type { RestRoute } from './rest-request.ts';
import { getSshKeys, putSshKeys } from './ssh-keys-routes.ts';
import { updatePod } from './update-pod-route.ts';

/** The operations the fake implements; other spec paths answer 501. */
export const REST_ROUTES: readonly RestRoute[] = [
  { method: 'GET', specPath: '/v2/pods', handle: listPods },
  { method: 'POST', specPath: '/v2/pods', handle: createPod },
  { method: 'GET', specPath: '/v2/pods/{id}', handle: getPod },
  { method: 'PATCH', specPath: '/v2/pods/{id}', handle: updatePod },
  { method: 'DELETE', specPath: '/v2/pods/{id}', handle: deletePod },
  { method: 'POST', specPath: '/v2/pods/{id}/action', handle: podAction },
  { method: 'GET', specPath: '/v2/pods/{id}/logs', handle: streamPodLogs },
  { method: 'GET', specPath: '/v2/account/ssh-keys', handle: getSshKeys },
  { method: 'PUT', specPath: '/v2/account/ssh-keys', handle: putSshKeys },
  { method: 'GET', specPath: '/v2/catalog/gpus', handle: listGpuTypes },
  { method: 'GET', specPath: '/v2/catalog/gpus/{id}', handle: getGpuType },
];
