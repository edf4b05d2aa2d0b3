// The MAC addresses the dashboard gives VFs. A VF assigned to a VM without a MAC asked for would
// otherwise carry all zeros, and the guest's VF driver picks a random MAC at every boot (harvester
// #6954): DHCP leases, firewall rules and switch port security then break at each reboot. So the
// VF gets one of its own — locally administered (02:…, never a vendor's OUI), derived from the
// host's serial number, the PF and the VF index (the same VF gets the same MAC after a reinstall
// of the dashboard), kept for that VF across assignments, releases and reboots, and unique in the
// fleet by the database's unique index on MacAllocation.mac (a collision takes the next candidate).
// The one place MACs are allocated; a fleet MAC ledger extends it.

import 'server-only';
import { createHash } from 'node:crypto';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { isUnsetMac } from './mac';

/** The VF a MAC belongs to. The PF by its PCI address, not its row: rows go when the VF count changes. */
export interface VfIdentity {
  hostId: string;
  /** The server's serial number: stable across re-registration, unlike the host row's id. */
  serialNumber: string;
  pfAddress: string;
  vfIndex: number;
}

/** The attempt-th candidate for a VF: a hash of who it is, with the first byte made local and unicast. */
export function candidateMac(vf: Pick<VfIdentity, 'serialNumber' | 'pfAddress' | 'vfIndex'>, attempt = 0): string {
  const digest = createHash('sha256').update(`${vf.serialNumber}\u0000${vf.pfAddress.toLowerCase()}\u0000${vf.vfIndex}\u0000${attempt}`).digest();
  const bytes = [...digest.subarray(0, 6)];
  bytes[0] = (bytes[0]! & 0b1111_1100) | 0b10;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export type MacSource = 'asked' | 'kept' | 'allocated';

/**
 * The MAC an assignment gives the VF: the one asked for; else the one it was given before (a MAC
 * set on it through the dashboard); else its allocation. `null` means: allocate.
 */
export function assignmentMac(asked: string | undefined, desiredMac: string | null): { mac: string; source: Exclude<MacSource, 'allocated'> } | null {
  if (asked) return { mac: asked.toLowerCase(), source: 'asked' };
  if (desiredMac && !isUnsetMac(desiredMac)) return { mac: desiredMac.toLowerCase(), source: 'kept' };
  return null;
}

type Db = Pick<PrismaClient, 'macAllocation'> | Prisma.TransactionClient;
const MAX_ATTEMPTS = 16;

/**
 * The VF's MAC: the one it already has in the ledger, or a new one, unique in the fleet. Not inside
 * an interactive transaction: a taken candidate fails its insert, which PostgreSQL would make fail
 * the whole transaction.
 */
export async function allocateVfMac(db: Db, vf: VfIdentity, allocatedBy: string): Promise<string> {
  const where = { hostId_pfAddress_vfIndex: { hostId: vf.hostId, pfAddress: vf.pfAddress, vfIndex: vf.vfIndex } };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const existing = await db.macAllocation.findUnique({ where, select: { mac: true } });
    if (existing) return existing.mac;
    const mac = candidateMac(vf, attempt);
    try {
      await db.macAllocation.create({ data: { mac, hostId: vf.hostId, pfAddress: vf.pfAddress, vfIndex: vf.vfIndex, allocatedBy }, select: { id: true } });
      return mac;
    } catch (error) {
      // Another VF holds this candidate (try the next), or a concurrent request allocated this VF (read it).
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
    }
  }
  throw new Error(`No free MAC for VF ${vf.vfIndex} of ${vf.pfAddress} after ${MAX_ATTEMPTS} candidates.`);
}

/** Who holds a MAC in the ledger, if anyone (an asked-for MAC must not be another VF's). */
export async function macHolder(db: Db, mac: string): Promise<{ hostId: string; pfAddress: string; vfIndex: number } | null> {
  return db.macAllocation.findUnique({ where: { mac: mac.toLowerCase() }, select: { hostId: true, pfAddress: true, vfIndex: true } });
}
