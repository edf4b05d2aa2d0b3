import { requestVfSettings, vfSettingsSchema } from '@/lib/operations/requests';
import { operationRoute } from '@/lib/operations/respond';

export const PATCH = operationRoute('vf:configure', vfSettingsSchema, requestVfSettings);
