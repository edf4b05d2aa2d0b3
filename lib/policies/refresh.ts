// Compliance kept current as hosts change: after a sync that changed a host's rows or read its
// BIOS, the host is judged again against the active policies (a few milliseconds a host; nothing
// at all while no policy exists).

import 'server-only';
import { prisma } from '@/lib/db/client';

let known: { at: number; any: boolean } | null = null;
const RECHECK_MS = 5_000;

async function anyPolicy(): Promise<boolean> {
  if (known && Date.now() - known.at < RECHECK_MS) return known.any;
  known = { at: Date.now(), any: (await prisma.policy.count({ where: { archivedAt: null } })) > 0 };
  return known.any;
}

export async function refreshCompliance(hostId: string): Promise<void> {
  if (!(await anyPolicy())) return;
  const { evaluateCompliance } = await import('./service');
  await evaluateCompliance(prisma, { hostIds: [hostId] });
}
