import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { errorResponse, parseJsonBody, parseSearchParams } from '@/lib/http';
import { fleetQuerySchema } from '@/lib/inventory/fleet';
import { registerHost, registerHostSchema } from '@/lib/inventory/register';
import { listFleet } from '@/lib/inventory/service';
import { NextResponse } from 'next/server';

export const GET = route('inventory:read', async (request) => {
  const query = parseSearchParams(fleetQuerySchema, request.nextUrl.searchParams);
  if (!query.ok) return query.response;
  const page = await listFleet(query.data);
  if (page.page > page.pageCount && page.total > 0) {
    return errorResponse('bad-request', `page: there are only ${page.pageCount} pages of ${page.pageSize}`, [{ path: 'page', message: 'beyond the last page' }]);
  }
  return NextResponse.json(page);
}, { query: true });

/** Registers a host: its agent and its iLO. The secrets are stored encrypted and never returned. */
export const POST = route('host:manage', async (request, _ctx, principal) => {
  const body = await parseJsonBody(registerHostSchema, request);
  if (!body.ok) return body.response;
  const result = await registerHost(body.data);
  if (!result.ok) return errorResponse(result.code, result.message, [{ path: result.path, message: result.message.replace(/^\w+: /, '') }]);
  await recordAudit({
    actor: principal.name,
    action: 'host-register',
    targetType: 'host',
    targetId: result.host.id,
    hostId: result.host.id,
    hostName: result.host.name,
    sourceAddress: sourceAddressOf(request),
    after: { ...result.host, agentUrl: body.data.agent.url, iloAddress: body.data.ilo.address },
  });
  return NextResponse.json({ host: result.host }, { status: 201 });
}, { body: true });
