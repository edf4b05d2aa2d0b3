// How long changes take, from the operations that ran: the median of the last successful ones of
// each kind (resets also per server model: a DL385 boots slower than a DL360). Plans estimate
// with these, never with a constant; a kind that never ran has no estimate, and the plan says so.

import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';

export interface DurationStats {
  /** kind -> median seconds. */
  byKind: Record<string, number>;
  /** kind -> model -> median seconds (resets). */
  byModel: Record<string, Record<string, number>>;
}

const SAMPLE = 50;

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const NO_HISTORY: DurationStats = { byKind: {}, byModel: {} };

export async function loadDurations(prisma: Pick<PrismaClient, 'operation'>): Promise<DurationStats> {
  const stats: DurationStats = { byKind: {}, byModel: {} };
  for (const kind of ['set-bios', 'reset-host', 'os-fix', 'set-vf-count', 'bind-vf', 'set-vf', 'bind-vfs', 'set-vfs']) {
    const rows = await prisma.operation.findMany({
      where: { kind, status: 'succeeded', startedAt: { not: null }, finishedAt: { not: null } },
      orderBy: { finishedAt: 'desc' },
      take: kind === 'reset-host' ? SAMPLE * 4 : SAMPLE,
      select: { startedAt: true, finishedAt: true, host: { select: { model: true } } },
    });
    const seconds = rows.map((r) => ({ s: (r.finishedAt!.getTime() - r.startedAt!.getTime()) / 1000, model: r.host?.model }));
    const all = median(seconds.slice(0, SAMPLE).map((x) => x.s));
    if (all !== undefined) stats.byKind[kind] = all;
    if (kind === 'reset-host') {
      const models = new Map<string, number[]>();
      for (const x of seconds) if (x.model) models.set(x.model, [...(models.get(x.model) ?? []), x.s]);
      stats.byModel[kind] = Object.fromEntries([...models].map(([model, values]) => [model, median(values.slice(0, SAMPLE))!]));
    }
  }
  return stats;
}
