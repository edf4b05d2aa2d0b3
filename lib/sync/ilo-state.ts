// What the server reads from a host's iLO itself: BIOS (current, pending, last apply results)
// and power. Read after BIOS changes and resets, on demand, and when the agent does not answer,
// so a host that is down still shows its power state.

import 'server-only';
import { connectionOptions, readBios, readPower, withIlo, type IloTarget, type RegistryDigest } from '@/agent/src/redfish';
import { iloTargetFor } from '@/lib/agents/access';
import { prisma } from '@/lib/db/client';
import { env } from '@/lib/env';
import { factsFromReport, type IloFacts } from '@/lib/ilo/facts';
import { refreshFleetFacts } from '@/lib/inventory/fleet-facts';

export function iloOptions(target: IloTarget, timeoutMs = 15_000) {
  return connectionOptions(target, { timeoutMs, retry: { attempts: env.iloRetryAttempts, baseDelayMs: env.iloRetryBaseMs } });
}

/** Reads the BIOS through the iLO and stores it; returns what was read. */
export async function refreshBios(hostId: string): Promise<IloFacts> {
  const target = await iloTargetFor(hostId);
  const facts = factsFromReport(await withIlo(iloOptions(target), (client) => readBios(client, { includeRegistry: true })));
  await storeBios(hostId, facts);
  return facts;
}

export async function storeBios(hostId: string, facts: IloFacts, now = new Date()): Promise<void> {
  await storeBiosRegistry(hostId, facts.registry, now);
  // Attributes a policy asked for beyond the tracked ones follow the iLO too, or their desired
  // value would read as drift forever.
  const tracked = new Set(facts.bios.map((b) => b.name));
  const others = await prisma.biosSetting.findMany({ where: { hostId, name: { notIn: [...tracked] } }, select: { name: true, current: true, pending: true } });
  for (const row of others) {
    const [current, pending] = facts.values[row.name] ?? [null, null];
    const next = { current: current === null ? null : String(current), pending: pending === null ? (current === null ? null : String(current)) : String(pending) };
    if (next.current !== row.current || next.pending !== row.pending) await prisma.biosSetting.update({ where: { hostId_name: { hostId, name: row.name } }, data: next });
  }
  const biosRead = { readAt: now, resetRequired: facts.resetRequired, lastApplyAt: facts.lastApply.at, lastApplyMessages: JSON.stringify(facts.lastApply.messages), values: JSON.stringify(facts.values) };
  await prisma.$transaction(async (tx) => {
    for (const b of facts.bios) {
      await tx.biosSetting.upsert({
        where: { hostId_name: { hostId, name: b.name } },
        create: { hostId, name: b.name, current: b.current, pending: b.pending },
        update: { current: b.current, pending: b.pending },
      });
    }
    await tx.biosRead.upsert({ where: { hostId }, create: { hostId, ...biosRead }, update: biosRead });
    await tx.host.update({ where: { id: hostId }, data: { powerState: facts.powerState } });
    // The BIOS link of the readiness chain changes with what was read.
    await refreshFleetFacts(tx, [hostId]);
  });
}

/** The server's power state through the iLO ("On", "Off", ...), stored on the host. */
export async function refreshPower(hostId: string): Promise<string | null> {
  const target = await iloTargetFor(hostId);
  const power = await withIlo(iloOptions(target, 10_000), (client) => readPower(client));
  await prisma.host.update({ where: { id: hostId }, data: { powerState: power.powerState } });
  return power.powerState;
}

/**
 * Keeps the host's BIOS attribute registry (lib/ilo/bios-registry.ts checks changes against it).
 * Written when it is new or its BIOS version or registry id changed, not at every read.
 */
export async function storeBiosRegistry(hostId: string, registry: RegistryDigest | null, now = new Date()): Promise<void> {
  if (!registry) return;
  const stored = await prisma.biosRegistry.findUnique({ where: { hostId }, select: { registryId: true, biosVersion: true } });
  if (stored && stored.registryId === registry.id && stored.biosVersion === registry.biosVersion) return;
  const data = {
    registryId: registry.id,
    biosVersion: registry.biosVersion,
    attributes: JSON.stringify(registry.attributes),
    dependencies: registry.dependencies ? JSON.stringify(registry.dependencies) : null,
    readAt: now,
  };
  await prisma.biosRegistry.upsert({ where: { hostId }, create: { hostId, ...data }, update: data });
}
