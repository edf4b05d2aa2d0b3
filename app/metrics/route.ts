// Prometheus scrapes this (lib/metrics/): open without a session (proxy.ts lets it through), but
// only with the metrics bearer token (lib/metrics/access.ts).

import { checkMetricsAccess } from '@/lib/metrics/access';
import { METRICS_CONTENT_TYPE, metricsText } from '@/lib/metrics/exposition';
import { errorResponse } from '@/lib/http';
import { log } from '@/lib/log';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const access = checkMetricsAccess(request.headers.get('authorization'));
  if (!access.ok) return access.response;
  let text: string;
  try {
    text = await metricsText();
  } catch (error) {
    log.error({ err: error }, '/metrics: the fleet figures could not be read');
    return errorResponse('unavailable', 'The fleet figures cannot be read from the database now; see the server log.');
  }
  return new Response(text, { headers: { 'Content-Type': METRICS_CONTENT_TYPE, 'Cache-Control': 'no-store' } });
}
