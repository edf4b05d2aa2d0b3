// Give a VF to a VM (POST) or take it back (DELETE). Two people assigning the same VF at once:
// the database lets one operation hold the VF; the other gets 409 naming it.
import { assignSchema, requestAssign, requestRelease } from '@/lib/operations/requests';
import { operationRoute } from '@/lib/operations/respond';

export const POST = operationRoute('vf:assign', assignSchema, requestAssign);
export const DELETE = operationRoute('vf:assign', null, (id, _body, who) => requestRelease(id, who));
