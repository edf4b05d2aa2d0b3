import { requestVfBind, vfDriverSchema } from '@/lib/operations/requests';
import { operationRoute } from '@/lib/operations/respond';

export const PUT = operationRoute('vf:configure', vfDriverSchema, requestVfBind);
