// What each running VM's guest sees of the VFs it holds, asked of the host's agent
// (GET /v1/vms/{vm}/guest) during a sync: at once for a VM with a VF never checked, else every
// GUEST_READ_INTERVAL_MS. A VM with no VF is never asked, so a quiet host's 304 polls stay free.

import 'server-only';
import type { GuestReport } from '@/agent/src/api-types';
import { AgentCallError, type AgentClient } from '@/lib/agents/client';
import { prisma } from '@/lib/db/client';

export const GUEST_READ_INTERVAL_MS = 60_000;
/** Guests asked at once on one host: each answer takes the agent a few virsh calls. */
const CONCURRENCY = 4;

export async function refreshGuests(hostId: string, client: Pick<AgentClient, 'guest'>, now: Date): Promise<number> {
  const vms = await prisma.virtualMachine.findMany({
    where: { hostId, state: 'running', assignments: { some: {} } },
    select: { id: true, name: true, guestCheckedAt: true, assignments: { select: { id: true, guestCheckedAt: true, guestSeen: true, guestNotSeenSince: true, vf: { select: { pciAddress: true } } } } },
  });
  const due = vms.filter((vm) => !vm.guestCheckedAt || now.getTime() - vm.guestCheckedAt.getTime() >= GUEST_READ_INTERVAL_MS || vm.assignments.some((a) => !a.guestCheckedAt));
  for (let i = 0; i < due.length; i += CONCURRENCY) {
    await Promise.all(due.slice(i, i + CONCURRENCY).map(async (vm) => writeGuest(vm, await askGuest(client, vm.name, now), now)));
  }
  return due.length;
}

/** The agent's report, or one that says why the agent could not give it (never a thrown error). */
async function askGuest(client: Pick<AgentClient, 'guest'>, vmName: string, now: Date): Promise<GuestReport> {
  try {
    return await client.guest(vmName);
  } catch (error) {
    if (!(error instanceof AgentCallError)) throw error;
    const detail = error.status === 404 && !/VM/.test(error.message) ? 'This host’s agent does not read guests yet: upgrade it.' : `The agent could not read the guest: ${error.message}`;
    return { vm: vmName, agent: 'error', detail, os: null, exec: 'not-tried', vfs: [], checkedAt: now.toISOString() };
  }
}

type DueVm = { id: string; assignments: { id: string; guestSeen: string | null; guestNotSeenSince: Date | null; vf: { pciAddress: string } }[] };

async function writeGuest(vm: DueVm, report: GuestReport, now: Date): Promise<void> {
  await prisma.$transaction([
    prisma.virtualMachine.updateMany({
      where: { id: vm.id },
      data: { guestAgent: report.agent, guestDetail: report.detail, guestOs: report.os?.name ?? null, guestKernel: report.os?.kernelRelease ?? null, guestExec: report.exec, guestCheckedAt: now },
    }),
    ...vm.assignments.map((a) => {
      const seen = report.vfs.find((v) => v.address === a.vf.pciAddress);
      const state = seen?.seen ?? 'unknown';
      // updateMany: a row gone meanwhile (the VF released, the VM removed) is no error.
      return prisma.assignment.updateMany({
        where: { id: a.id },
        data: {
          guestSeen: state,
          guestInterface: seen?.interface ?? null,
          guestDriver: seen?.driver ?? null,
          guestLink: seen?.link ?? null,
          guestPci: seen?.pci ?? null,
          guestDetail: seen?.detail ?? report.detail,
          guestCheckedAt: now,
          // Kept while the guest keeps answering without the VF: how long is what makes it drift.
          guestNotSeenSince: state === 'not-seen' ? (a.guestSeen === 'not-seen' && a.guestNotSeenSince ? a.guestNotSeenSince : now) : null,
        },
      });
    }),
  ]);
}
