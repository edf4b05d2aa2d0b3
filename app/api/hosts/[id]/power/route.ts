import { powerSchema, requestPower } from '@/lib/operations/requests';
import { operationRoute } from '@/lib/operations/respond';

export const POST = operationRoute('host:power', powerSchema, requestPower);
