import { NextResponse } from 'next/server';
import { auditQuerySchema, listAudit } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { parseSearchParams } from '@/lib/http';

/** Read-only: the audit log is append-only, and no route changes it. */
export const GET = route('audit:read', async (request) => {
  const query = parseSearchParams(auditQuerySchema, request.nextUrl.searchParams);
  if (!query.ok) return query.response;
  return NextResponse.json(await listAudit(query.data));
}, { query: true });
