import { requestVfCount, vfCountSchema } from '@/lib/operations/requests';
import { operationRoute } from '@/lib/operations/respond';

export const PUT = operationRoute('vf:configure', vfCountSchema, requestVfCount);
