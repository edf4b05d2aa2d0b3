import { osFixSchema, requestOsFix } from '@/lib/operations/requests';
import { operationRoute } from '@/lib/operations/respond';

export const POST = operationRoute('host:manage', osFixSchema, requestOsFix);
