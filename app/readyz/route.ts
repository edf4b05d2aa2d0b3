// Readiness for load balancers: the database, its migrations and the operations worker
// (lib/health.ts). Open without a session, like /healthz (proxy.ts lets both through).

import { checkReadiness, readinessResponse } from '@/lib/health';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  return readinessResponse(await checkReadiness());
}
