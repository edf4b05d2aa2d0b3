// What the server reads from a host's iLO itself: BIOS (current, pending, last apply results)
// and power. Read after BIOS changes and resets, on demand, and when the agent does not answer,
// so a host that is down still shows its power state.

import 'server-only';
import { connectionOptions, readBios, readPower, withIlo, type IloTarget } from '@/agent/src/redfish';
import { iloTargetFor } from '@/lib/agents/access';
import { prisma } from '@/lib/db/client';
import { factsFromReport, type IloFacts } from '@/lib/ilo/facts';

export function iloOptions(target: IloTarget, timeoutMs = 15_000) {
  return connectionOptions(target, { timeoutMs });
}

/** Reads the BIOS through the iLO and stores it; returns what was read. */
export async function refreshBios(hostId: string): Promise<IloFacts> {
  const target = await iloTargetFor(hostId);
  const facts = factsFromReport(await withIlo(iloOptions(target), (client) => readBios(client, { useRegistry: true })));
  await storeBios(hostId, facts);
  return facts;
}

export async function storeBios(hostId: string, facts: IloFacts, now = new Date()): Promise<void> {
  await prisma.$transaction([
    ...facts.bios.map((b) =>
      prisma.biosSetting.upsert({
        where: { hostId_name: { hostId, name: b.name } },
        create: { hostId, name: b.name, current: b.current, pending: b.pending },
        update: { current: b.current, pending: b.pending },
      }),
    ),
    prisma.biosRead.upsert({
      where: { hostId },
      create: { hostId, readAt: now, resetRequired: facts.resetRequired, lastApplyAt: facts.lastApply.at, lastApplyMessages: JSON.stringify(facts.lastApply.messages) },
      update: { readAt: now, resetRequired: facts.resetRequired, lastApplyAt: facts.lastApply.at, lastApplyMessages: JSON.stringify(facts.lastApply.messages) },
    }),
    prisma.host.update({ where: { id: hostId }, data: { powerState: facts.powerState } }),
  ]);
}

/** The server's power state through the iLO ("On", "Off", ...), stored on the host. */
export async function refreshPower(hostId: string): Promise<string | null> {
  const target = await iloTargetFor(hostId);
  const power = await withIlo(iloOptions(target, 10_000), (client) => readPower(client));
  await prisma.host.update({ where: { id: hostId }, data: { powerState: power.powerState } });
  return power.powerState;
}
