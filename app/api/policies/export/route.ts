import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { exportPolicies } from '@/lib/policies/service';

/** Every active policy as one JSON file, to keep in git and import elsewhere. */
export const GET = route('inventory:read', async () =>
  new Response(`${JSON.stringify(await exportPolicies(prisma), null, 2)}\n`, {
    headers: { 'content-type': 'application/json; charset=utf-8', 'content-disposition': 'attachment; filename="sriov-policies.json"', 'cache-control': 'no-store' },
  }),
);
