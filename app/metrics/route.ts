// Prometheus scrapes this (lib/metrics/): open without a session (proxy.ts lets it through), but
// only with the metrics bearer token (lib/metrics/access.ts).

import { checkMetricsAccess } from '@/lib/metrics/access';
import { METRICS_CONTENT_TYPE, metricsText } from '@/lib/metrics/exposition';
import { errorResponse } from '@/lib/http';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const access = checkMetricsAccess(request.headers.get('authorization'));
  if (!access.ok) return access.response;
  let text: string;
  try {
    text = await metricsText();
  } catch (error) {
    console.error(`[${new Date().toISOString()}] /metrics: the fleet figures could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return errorResponse('unavailable', 'The fleet figures cannot be read from the database now; see the server log.');
  }
  return new Response(text, { headers: { 'Content-Type': METRICS_CONTENT_TYPE, 'Cache-Control': 'no-store' } });
}
