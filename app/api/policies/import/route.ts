import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { parseJsonBody } from '@/lib/http';
import { outcomeResponse } from '@/lib/policies/respond';
import { importPolicies, importSchema } from '@/lib/policies/service';

/** Creates new policies and new versions of changed ones; all valid or nothing written. dryRun says what would happen. */
export const POST = route('policy:edit', async (request, _ctx, principal) => {
  const body = await parseJsonBody(importSchema, request);
  if (!body.ok) return body.response;
  return outcomeResponse(await importPolicies(prisma, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
}, { body: true });
