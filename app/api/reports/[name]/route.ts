import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { parseReportRequest } from '@/lib/reports/request';
import { streamReport } from '@/lib/reports/service';

// Streamed downloads: /api/reports/<name>?format=csv|json plus the report's filters.
export const GET = route('inventory:read', async (request, ctx: RouteContext<'/api/reports/[name]'>) => {
  const parsed = parseReportRequest((await ctx.params).name, request.nextUrl.searchParams, { withFormat: true });
  if (!parsed.ok) return parsed.response;
  const { name, query, format } = parsed.data;
  const download = await streamReport(prisma, name, query, format);
  return new Response(download.body, {
    headers: {
      'content-type': download.contentType,
      'content-disposition': `attachment; filename="${download.fileName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}, { query: true });
