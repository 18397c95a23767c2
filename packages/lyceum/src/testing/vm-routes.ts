import { validateBody, validateQuery } from './fastapi-validation.ts';
import { detail, json, unprocessable } from './http-io.ts';
import { createVmSchema } from './request-schemas.ts';
import type { Route } from './router.ts';
import type { VmStore } from './vm-store.ts';

const VM_NOT_FOUND = 'VM not found';

/** `/vms/...` endpoints. */
export function vmRoutes(store: VmStore): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/vms/create',
      auth: 'bearer',
      handle: ({ body }) => {
        const parsed = validateBody(body, createVmSchema);
        if (!parsed.ok) return unprocessable(parsed.issues);
        const created = store.create(parsed.value);
        if (!created.ok) return detail(400, created.detail);
        return json(200, store.createResponse(created.vmId));
      },
    },
    {
      method: 'GET',
      pattern: '/vms/list',
      auth: 'bearer',
      handle: ({ query }) => {
        // Every include_* flag defaults to true, so a naive call also lists terminated VMs (quirk C4).
        const flags = validateQuery(query, {
          include_terminated: { kind: 'bool', default: true },
          include_failed: { kind: 'bool', default: true },
        });
        if (!flags.ok) return unprocessable(flags.issues);
        const vms = store
          .ids()
          .filter((id) => flags.value['include_terminated'] === true || !store.isTerminated(id))
          .map((id) => store.apiRecord(id));
        return json(200, { vms, total: vms.length });
      },
    },
    {
      method: 'GET',
      pattern: '/vms/{vm_id}/status',
      auth: 'bearer',
      handle: ({ params }) => {
        const id = params['vm_id'] ?? '';
        return store.has(id) ? json(200, store.apiRecord(id)) : detail(404, VM_NOT_FOUND);
      },
    },
    {
      method: 'DELETE',
      pattern: '/vms/{vm_id}',
      auth: 'bearer',
      // UNKNOWN whether deleting a terminated VM is 200 or 404; the fake says 404,
      // the stricter reading, so clients must treat "already gone" as success.
      handle: ({ params }) => {
        const id = params['vm_id'] ?? '';
        if (!store.terminate(id)) return detail(404, VM_NOT_FOUND);
        return json(200, { vm_id: id, status: 'terminated', message: `VM ${id} has been terminated` });
      },
    },
  ];
}
