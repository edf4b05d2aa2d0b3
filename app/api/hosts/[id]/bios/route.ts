import { biosChangeSchema, requestBiosChange } from '@/lib/operations/requests';
import { operationRoute } from '@/lib/operations/respond';

export const PATCH = operationRoute('bios:change', biosChangeSchema, requestBiosChange);
