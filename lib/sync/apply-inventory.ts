// Makes a host's inventory rows follow what its agent reported. Observed columns are overwritten;
// desired columns and who-assigned-what are kept. Only rows that changed are written, so a poll of
// an unchanged host costs a few reads.

import 'server-only';
import type { Inventory, PhysicalFunction as AgentPf, VirtualFunction as AgentVf, Vm } from '@/agent/src/api-types';
import { prisma } from '@/lib/db/client';
import type { Prisma } from '@/lib/generated/prisma/client';
import { NIC_MODELS, nicModelKeyOf } from '@/lib/inventory/nic-catalog';
import { refreshFleetFacts } from '@/lib/inventory/fleet-facts';

export interface ObservedHost {
  inventory: Inventory;
  vms: Vm[];
  bootId: string | null;
  /** The agent's ETags of these answers, sent back by the next poll (null: the agent sent none). */
  etags?: { inventory: string | null; vms: string | null };
}

export interface ApplySummary {
  pfs: number;
  vfs: number;
  vms: number;
  written: number;
}

/** Names as lspci would print them when the card is not one of the catalog's. */
function modelNameOf(pf: AgentPf): string {
  const key = nicModelKeyOf(pf.vendorId, pf.deviceId);
  if (key) return NIC_MODELS[key].name;
  return `PCI ${pf.vendorId}:${pf.deviceId}${pf.classCode === '020000' ? ' Ethernet controller' : ''}`;
}

function vfDriverOf(pf: AgentPf): string | null {
  const key = nicModelKeyOf(pf.vendorId, pf.deviceId);
  return key ? NIC_MODELS[key].vfDriver : null;
}

function observedVf(vf: AgentVf) {
  return {
    pciAddress: vf.address,
    driver: vf.driver,
    netdev: vf.netdev,
    mac: vf.mac,
    vlan: vf.vlan,
    qos: vf.qos,
    trust: vf.trust,
    spoofchk: vf.spoofchk,
    linkState: vf.linkState,
    maxTxRateMbps: vf.maxTxRate,
    iommuGroup: vf.iommuGroup,
  };
}

function observedPf(pf: AgentPf) {
  return {
    vendorId: pf.vendorId,
    deviceId: pf.deviceId,
    subsystemVendorId: pf.subsystemVendorId,
    subsystemDeviceId: pf.subsystemDeviceId,
    modelName: modelNameOf(pf),
    driver: pf.driver,
    netdev: pf.netdev,
    numaNode: pf.numaNode !== null && pf.numaNode >= 0 ? pf.numaNode : null,
    totalVfs: pf.totalVfs,
    currentVfs: pf.numVfs,
    vfDriver: vfDriverOf(pf),
  };
}

function observedVm(vm: Vm) {
  return { state: vm.state, uuid: vm.uuid ?? null, vcpus: vm.vcpus ?? null, memoryMiB: vm.memoryMiB ?? null, numaNode: vm.numaNode ?? null };
}

function differs<T extends Record<string, unknown>>(row: Record<string, unknown>, next: T): boolean {
  return Object.entries(next).some(([key, value]) => row[key] !== value);
}

export async function applyInventory(hostId: string, observed: ObservedHost, now = new Date()): Promise<ApplySummary> {
  const { inventory, vms } = observed;
  let written = 0;
  await prisma.$transaction(async (tx: Prisma.TransactionClient) => {
    await tx.host.update({
      where: { id: hostId },
      data: {
        kernelRelease: inventory.host.kernelRelease,
        kernelCmdline: inventory.host.cmdline,
        iommuActive: inventory.host.iommu.active,
        kvmLoaded: inventory.host.modules.kvm,
        vfioPciLoaded: inventory.host.modules.vfioPci,
        agentStatus: 'online',
        agentVersion: inventory.agentVersion,
        bootId: observed.bootId ?? inventory.host.bootId,
        lastSyncError: null,
        lastSeenAt: now,
        observedAt: new Date(inventory.collectedAt),
        inventoryEtag: observed.etags?.inventory ?? null,
        vmsEtag: observed.etags?.vms ?? null,
        fullReadAt: now,
        numaNodes: inventory.host.numaNodes,
        // A host whose agent answers is on, whatever the last iLO read said.
        powerState: 'On',
      },
    });

    // Physical functions, by PCI address.
    const existingPfs = await tx.physicalFunction.findMany({ where: { hostId } });
    const pfIdByAddress = new Map<string, string>();
    for (const pf of inventory.pfs) {
      const next = observedPf(pf);
      const row = existingPfs.find((r) => r.pciAddress === pf.address);
      if (!row) {
        // First sight of a PF: the VF count it has is adopted as desired, so a later change made
        // on the host behind the dashboard's back shows as drift.
        const created = await tx.physicalFunction.create({
          data: { hostId, pciAddress: pf.address, ...next, desiredVfs: pf.numVfs > 0 ? pf.numVfs : null },
          select: { id: true },
        });
        pfIdByAddress.set(pf.address, created.id);
        written++;
      } else {
        pfIdByAddress.set(pf.address, row.id);
        if (differs(row, next)) {
          await tx.physicalFunction.update({ where: { id: row.id }, data: next });
          written++;
        }
      }
    }
    const gonePfs = existingPfs.filter((r) => !inventory.pfs.some((pf) => pf.address === r.pciAddress)).map((r) => r.id);
    if (gonePfs.length > 0) written += (await tx.physicalFunction.deleteMany({ where: { id: { in: gonePfs } } })).count;

    // Virtual machines, by name.
    const existingVms = await tx.virtualMachine.findMany({ where: { hostId } });
    const vmIdByName = new Map<string, string>();
    for (const vm of vms) {
      const next = observedVm(vm);
      const row = existingVms.find((r) => r.name === vm.name);
      if (!row) {
        // A VM's UUID on another host: it migrated here, and that host's row is stale until its
        // next sync. The UUID is the VM's identity, so the row moves here.
        if (next.uuid) written += (await tx.virtualMachine.deleteMany({ where: { uuid: next.uuid, hostId: { not: hostId } } })).count;
        const created = await tx.virtualMachine.create({ data: { hostId, name: vm.name, ...next }, select: { id: true } });
        vmIdByName.set(vm.name, created.id);
        written++;
      } else {
        vmIdByName.set(vm.name, row.id);
        if (differs(row, next)) {
          await tx.virtualMachine.update({ where: { id: row.id }, data: next });
          written++;
        }
      }
    }
    const goneVms = existingVms.filter((r) => !vms.some((vm) => vm.name === r.name)).map((r) => r.id);
    if (goneVms.length > 0) written += (await tx.virtualMachine.deleteMany({ where: { id: { in: goneVms } } })).count;

    // Virtual functions, by PF and index; then who holds each.
    const existingVfs = await tx.virtualFunction.findMany({ where: { hostId }, include: { assignment: { select: { id: true, vmId: true } } } });
    // VFs whose address moved to another index or PF (a different VF count on a NIC whose
    // ports share a routing-ID range) are removed first, so the per-host address stays unique.
    // Keyed by PF address and index: a host has hundreds of VFs and is synced every poll.
    const reported = new Map<string, string>();
    for (const pf of inventory.pfs) for (const vf of pf.vfs) reported.set(`${pf.address}#${vf.index}`, vf.address);
    const pfAddressById = new Map(existingPfs.map((p) => [p.id, p.pciAddress]));
    const current = new Map<string, (typeof existingVfs)[number]>();
    const stale: string[] = [];
    for (const row of existingVfs) {
      const key = `${pfAddressById.get(row.pfId)}#${row.index}`;
      if (reported.get(key) === row.pciAddress) current.set(key, row);
      else stale.push(row.id);
    }
    if (stale.length > 0) written += (await tx.virtualFunction.deleteMany({ where: { id: { in: stale } } })).count;
    const holderByAddress = new Map(vms.flatMap((vm) => vm.hostdevs.map((address) => [address, vm.name] as const)));

    for (const pf of inventory.pfs) {
      const pfId = pfIdByAddress.get(pf.address);
      if (!pfId) continue;
      for (const vf of pf.vfs) {
        const next = observedVf(vf);
        const row = current.get(`${pf.address}#${vf.index}`);
        let vfId: string;
        if (!row) {
          vfId = (await tx.virtualFunction.create({ data: { hostId, pfId, index: vf.index, ...next }, select: { id: true } })).id;
          written++;
        } else {
          vfId = row.id;
          if (differs(row, next)) {
            await tx.virtualFunction.update({ where: { id: row.id }, data: next });
            written++;
          }
        }
        const holder = vf.vm ?? holderByAddress.get(vf.address) ?? null;
        const vmId = holder ? vmIdByName.get(holder) : undefined;
        const assignment = row?.assignment ?? null;
        if (vmId && assignment?.vmId !== vmId) {
          // Seen on the host without an operation of ours (or given to another VM): recorded as observed.
          await tx.assignment.upsert({
            where: { vfId },
            create: { vfId, vmId, hostId, mac: vf.mac, vlan: vf.vlan, assignedBy: 'observed on the host' },
            // Another VM's guest is asked afresh.
            update: { vmId, mac: vf.mac, vlan: vf.vlan, assignedBy: 'observed on the host', assignedAt: now, guestSeen: null, guestCheckedAt: null, guestNotSeenSince: null },
          });
          written++;
        } else if (!vmId && assignment) {
          await tx.assignment.delete({ where: { vfId } });
          written++;
        }
      }
    }
    // The fleet's stored figures follow the facts, in the same transaction.
    await refreshFleetFacts(tx, [hostId]);
  });
  return {
    pfs: inventory.pfs.length,
    vfs: inventory.pfs.reduce((n, pf) => n + pf.vfs.length, 0),
    vms: vms.length,
    written,
  };
}
