// Host labels ("role=kvm"): set on one host or many at once, each change audited with the host's
// labels before and after. Policies select hosts by them, so compliance is evaluated again for
// the hosts whose labels changed.

import 'server-only';
import { z } from 'zod';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { recordAudit } from '@/lib/audit';
import { ID_PATTERN } from '@/lib/http';
import { labelKeySchema, labelMapSchema, labelValueSchema } from '@/lib/policies/selector';

export const MAX_LABELS_PER_HOST = 32;

const change = {
  set: labelMapSchema(labelValueSchema).optional(),
  remove: z.array(labelKeySchema).max(MAX_LABELS_PER_HOST).optional(),
};
const someChange = (c: { set?: Record<string, string>; remove?: string[] }) => Object.keys(c.set ?? {}).length + (c.remove?.length ?? 0) > 0;
const noOverlap = (c: { set?: Record<string, string>; remove?: string[] }) => !(c.remove ?? []).some((k) => k in (c.set ?? {}));

export const labelChangeSchema = z
  .strictObject(change)
  .refine(someChange, 'give labels to set, keys to remove, or both')
  .refine(noOverlap, 'a key cannot be both set and removed');
export type LabelChange = z.infer<typeof labelChangeSchema>;

export const bulkLabelSchema = z
  .strictObject({ hostIds: z.array(z.string().regex(ID_PATTERN, 'a host id')).min(1, 'at least one host').max(5_000), ...change })
  .refine(someChange, 'give labels to set, keys to remove, or both')
  .refine(noOverlap, 'a key cannot be both set and removed');

export type LabelOutcome = { ok: true; hosts: { id: string; name: string; labels: Record<string, string> }[] } | { ok: false; code: 'not-found' | 'bad-request'; message: string };

export async function applyLabels(prisma: PrismaClient, hostIds: string[], labels: LabelChange, who: { name: string; sourceAddress: string | null }): Promise<LabelOutcome> {
  const unique = [...new Set(hostIds)];
  const hosts = await prisma.host.findMany({ where: { id: { in: unique } }, select: { id: true, name: true, labels: { select: { key: true, value: true } } } });
  const missing = unique.filter((id) => !hosts.some((h) => h.id === id));
  if (missing.length) return { ok: false, code: unique.length === 1 ? 'not-found' : 'bad-request', message: `hostIds: no host with id ${missing.slice(0, 5).map((m) => `"${m}"`).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}` };
  const results: { id: string; name: string; labels: Record<string, string> }[] = [];
  const set = Object.entries(labels.set ?? {});
  for (const host of hosts) {
    const before = Object.fromEntries(host.labels.map((l) => [l.key, l.value]));
    const after = { ...before, ...labels.set };
    for (const key of labels.remove ?? []) delete after[key];
    if (Object.keys(after).length > MAX_LABELS_PER_HOST) return { ok: false, code: 'bad-request', message: `set: ${host.name} would have more than ${MAX_LABELS_PER_HOST} labels` };
    results.push({ id: host.id, name: host.name, labels: after });
  }
  await prisma.$transaction([
    ...(labels.remove?.length ? [prisma.hostLabel.deleteMany({ where: { hostId: { in: unique }, key: { in: labels.remove } } })] : []),
    ...hosts.flatMap((host) =>
      set.map(([key, value]) => prisma.hostLabel.upsert({ where: { hostId_key: { hostId: host.id, key } }, create: { hostId: host.id, key, value }, update: { value } })),
    ),
  ]);
  for (const [i, host] of hosts.entries()) {
    const before = Object.fromEntries(host.labels.map((l) => [l.key, l.value]));
    if (JSON.stringify(before) === JSON.stringify(results[i]!.labels)) continue;
    await recordAudit({ actor: who.name, action: 'host-labels', targetType: 'host', targetId: host.id, hostId: host.id, hostName: host.name, sourceAddress: who.sourceAddress, before, after: results[i]!.labels });
  }
  const { evaluateCompliance } = await import('@/lib/policies/service');
  await evaluateCompliance(prisma, { hostIds: unique });
  return { ok: true, hosts: results };
}
