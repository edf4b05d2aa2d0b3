// Turning an operator's request into a queued Operation: the body is checked, the target is
// checked against the inventory (a VF already given to a VM, a PF with assigned VFs, an agent
// that does not answer), and the row is created with an activeKey that the database keeps unique
// while the operation is queued or running, so two requests for the same VF cannot both win.

import 'server-only';
import { z } from 'zod';
import { prisma } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { can, refusalReason, type Role } from '@/lib/auth/permissions';
import { automaticChanges } from '@/lib/inventory/change-set';
import { CHANGE_PERMISSION } from '@/lib/inventory/host-view';
import { allocateVfMac, assignmentMac, macHolder } from '@/lib/inventory/mac-allocator';
import { getHostDetail } from '@/lib/inventory/service';
import { BIOS_ATTRIBUTES } from '@/lib/inventory/vocabulary';
import { recordAudit } from '@/lib/audit';
import { wake } from '@/lib/background-loop';
import type { ErrorIssue } from '@/lib/http';
import { checkBiosChange, loadBiosRegistry } from '@/lib/ilo/bios-registry';
import { toOperationView, vfsLabel, type OperationKind, type OperationParams, type OperationView } from './kinds';

export interface Requester {
  name: string;
  sourceAddress: string | null;
  /** The rollout the change is a step of. */
  rolloutId?: string;
}

export type RequestOutcome =
  | { ok: true; operation: OperationView }
  | { ok: false; code: 'not-found' | 'conflict' | 'bad-request'; message: string; issues?: ErrorIssue[] };

const mac = z
  .string()
  .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, 'six hex pairs separated by ":" (52:54:00:12:34:56)')
  .refine((value) => (parseInt(value.slice(0, 2), 16) & 1) === 0, 'must be a unicast address (the first byte even)')
  .refine((value) => !/^(00:){5}00$/.test(value), 'must not be all zeros')
  .transform((value) => value.toLowerCase());
const vlan = z.number().int('a whole number').min(0).max(4094);

export const vfCountSchema = z.strictObject({ numVfs: z.number().int('a whole number').min(0, 'at least 0').max(1024) });
export const vfSettingsSchema = z
  .strictObject({
    mac: mac.optional(),
    vlan: vlan.optional(),
    qos: z.number().int().min(0).max(7).optional(),
    trust: z.boolean().optional(),
    spoofchk: z.boolean().optional(),
    linkState: z.enum(['auto', 'enable', 'disable']).optional(),
    maxTxRate: z.number().int().min(0).max(400_000).optional(),
  })
  .refine((s) => Object.keys(s).length > 0, 'give at least one setting: mac, vlan, qos, trust, spoofchk, linkState or maxTxRate');
export const vfDriverSchema = z.strictObject({ driver: z.enum(['vfio-pci', 'default']) });
export const assignSchema = z.strictObject({
  vmId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a VM id from GET /api/vms'),
  mac: mac.optional(),
  vlan: vlan.min(1, 'between 1 and 4094 (leave it out for no VLAN)').optional(),
});
export const biosChangeSchema = z.strictObject({
  attributes: z
    .partialRecord(z.enum(BIOS_ATTRIBUTES, `one of ${BIOS_ATTRIBUTES.join(', ')}`), z.string().min(1).max(64))
    .refine((a) => Object.keys(a).length > 0, 'give at least one attribute'),
});
export const powerSchema = z.strictObject({
  action: z.enum(['reset', 'on']),
  resetType: z.enum(['GracefulRestart', 'ForceRestart']).optional(),
});
export const osFixSchema = z.strictObject({ fix: z.enum(['iommu-args', 'vfio']) });

interface NewOperation<K extends OperationKind> {
  kind: K;
  hostId: string;
  targetType: 'host' | 'pf' | 'vf';
  targetId: string;
  lane: string;
  activeKey: string;
  params: OperationParams[K];
  /** The state before, for the audit record. */
  before: unknown;
  /** A reset queued with the changes it applies: it gets their ids as `after` and runs only if they succeeded. */
  afterEarlier?: boolean;
}

type AnyNewOperation = { [K in OperationKind]: NewOperation<K> }[OperationKind];

export type FixOutcome =
  | { ok: true; operations: OperationView[] }
  | { ok: false; code: 'not-found' | 'conflict' | 'bad-request' | 'forbidden'; message: string };

const operationSelect = {
  id: true, kind: true, hostId: true, targetType: true, targetId: true, params: true, status: true, attempts: true,
  progress: true, error: true, requestedBy: true, rolloutId: true, queuedAt: true, startedAt: true, finishedAt: true, host: { select: { name: true } },
} satisfies Prisma.OperationSelect;

async function conflictWith(activeKey: string, what: string): Promise<Extract<RequestOutcome, { ok: false }>> {
  const holder = await prisma.operation.findUnique({ where: { activeKey }, select: operationSelect });
  if (!holder) return { ok: false, code: 'conflict', message: `${what} is being changed by another request; try again in a moment.` };
  const view = toOperationView(holder);
  return { ok: false, code: 'conflict', message: `${what} is already being changed: "${view.summary}", requested by ${view.requestedBy}, ${view.status}. Wait for it to finish.` };
}

/**
 * Queues operations together: all of them or none (one transaction, so a conflict on the last one
 * leaves nothing half-queued). The lane runs them in this order; each is audited with who asked.
 */
async function enqueueAll(ops: { op: AnyNewOperation; what: string }[], who: Requester): Promise<{ ok: true; operations: OperationView[] } | Extract<RequestOutcome, { ok: false }>> {
  let rows: { row: Prisma.OperationGetPayload<{ select: typeof operationSelect }>; op: AnyNewOperation; params: unknown }[];
  let current: { op: AnyNewOperation; what: string } | undefined;
  try {
    rows = await prisma.$transaction(async (tx) => {
      const created: typeof rows = [];
      for (const entry of ops) {
        current = entry;
        const params = entry.op.afterEarlier ? { ...entry.op.params, after: created.map((c) => c.row.id) } : entry.op.params;
        const row = await tx.operation.create({
          data: {
            kind: entry.op.kind,
            hostId: entry.op.hostId,
            targetType: entry.op.targetType,
            targetId: entry.op.targetId,
            lane: entry.op.lane,
            activeKey: entry.op.activeKey,
            params: JSON.stringify(params),
            requestedBy: who.name,
            sourceAddress: who.sourceAddress,
            rolloutId: who.rolloutId ?? null,
          },
          select: operationSelect,
        });
        created.push({ row, op: entry.op, params });
      }
      return created;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' && current) return conflictWith(current.op.activeKey, current.what);
    throw error;
  }
  const views: OperationView[] = [];
  for (const { row, op, params } of rows) {
    const view = toOperationView(row);
    views.push(view);
    await recordAudit({
      actor: who.name,
      action: `${op.kind}.requested`,
      targetType: op.targetType,
      targetId: op.targetId,
      sourceAddress: who.sourceAddress,
      hostId: op.hostId,
      hostName: row.host?.name ?? null,
      before: op.before,
      after: { summary: view.summary, params },
      operationId: row.id,
    });
  }
  wake('operations');
  return { ok: true, operations: views };
}

async function enqueue<K extends OperationKind>(op: NewOperation<K>, who: Requester, what: string): Promise<RequestOutcome> {
  const outcome = await enqueueAll([{ op: op as AnyNewOperation, what }], who);
  return outcome.ok ? { ok: true, operation: outcome.operations[0]! } : outcome;
}

function agentDown(host: { name: string; agentStatus: string; lastSeenAt: Date | null }): RequestOutcome | null {
  if (host.agentStatus === 'online') return null;
  const since = host.lastSeenAt ? ` (last seen ${host.lastSeenAt.toISOString()})` : ' (it has never answered)';
  return { ok: false, code: 'conflict', message: `The agent of ${host.name} is ${host.agentStatus === 'offline' ? 'offline' : 'not reporting'}${since}; VF changes need it. Refresh the host or check the agent.` };
}

const vfSelect = {
  id: true, index: true, pciAddress: true, driver: true, mac: true, vlan: true, trust: true, spoofchk: true, desiredMac: true,
  hostId: true,
  host: { select: { name: true, serialNumber: true, agentStatus: true, lastSeenAt: true } },
  pf: { select: { id: true, pciAddress: true, numaNode: true } },
  assignment: { select: { vm: { select: { id: true, name: true } }, mac: true, vlan: true } },
} satisfies Prisma.VirtualFunctionSelect;

async function findVf(vfId: string) {
  return prisma.virtualFunction.findUnique({ where: { id: vfId }, select: vfSelect });
}

const vfName = (vf: { index: number; pf: { pciAddress: string } }) => `VF ${vf.index} of ${vf.pf.pciAddress}`;
const vfBefore = (vf: Pick<NonNullable<Awaited<ReturnType<typeof findVf>>>, 'driver' | 'mac' | 'vlan' | 'trust' | 'spoofchk' | 'assignment'>) => ({
  driver: vf.driver, mac: vf.mac, vlan: vf.vlan, trust: vf.trust, spoofchk: vf.spoofchk, vm: vf.assignment?.vm.name ?? null,
});

export async function requestVfCount(pfId: string, input: z.infer<typeof vfCountSchema>, who: Requester): Promise<RequestOutcome> {
  const pf = await prisma.physicalFunction.findUnique({
    where: { id: pfId },
    select: {
      id: true, hostId: true, pciAddress: true, totalVfs: true, currentVfs: true, desiredVfs: true,
      host: { select: { name: true, agentStatus: true, lastSeenAt: true } },
      virtualFunctions: { where: { assignment: { isNot: null } }, select: { index: true, assignment: { select: { vm: { select: { name: true } } } } } },
    },
  });
  if (!pf) return { ok: false, code: 'not-found', message: `No physical function with id "${pfId}".` };
  if (pf.totalVfs === 0) return { ok: false, code: 'bad-request', message: `numVfs: ${pf.pciAddress} has no SR-IOV capability (sriov_totalvfs is 0).` };
  if (input.numVfs > pf.totalVfs) return { ok: false, code: 'bad-request', message: `numVfs: ${pf.pciAddress} supports at most ${pf.totalVfs} VFs (sriov_totalvfs).` };
  const down = agentDown(pf.host);
  if (down) return down;
  if (pf.virtualFunctions.length > 0 && input.numVfs !== pf.currentVfs) {
    // The kernel changes a VF count only through 0, which destroys every VF of the PF.
    const held = pf.virtualFunctions.map((vf) => `VF ${vf.index} (${vf.assignment?.vm.name ?? '?'})`).join(', ');
    return { ok: false, code: 'conflict', message: `${pf.pciAddress} has VFs assigned to VMs: ${held}. Changing the VF count removes every VF of the PF; release them first.` };
  }
  return enqueue(
    {
      kind: 'set-vf-count', hostId: pf.hostId, targetType: 'pf', targetId: pf.id, lane: `pf:${pf.id}`, activeKey: `pf:${pf.id}`,
      params: { pfAddress: pf.pciAddress, numVfs: input.numVfs },
      before: { currentVfs: pf.currentVfs, desiredVfs: pf.desiredVfs },
    },
    who,
    pf.pciAddress,
  );
}

export async function requestVfSettings(vfId: string, settings: z.infer<typeof vfSettingsSchema>, who: Requester): Promise<RequestOutcome> {
  const vf = await findVf(vfId);
  if (!vf) return { ok: false, code: 'not-found', message: `No virtual function with id "${vfId}".` };
  const down = agentDown(vf.host);
  if (down) return down;
  if (vf.assignment && (settings.mac !== undefined || settings.vlan !== undefined)) {
    return { ok: false, code: 'conflict', message: `${vfName(vf)} is assigned to ${vf.assignment.vm.name}: its MAC and VLAN are set by libvirt for that VM. Release it to change them.` };
  }
  const clean = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as OperationParams['set-vf']['settings'];
  return enqueue(
    {
      kind: 'set-vf', hostId: vf.hostId, targetType: 'vf', targetId: vf.id, lane: `pf:${vf.pf.id}`, activeKey: `vf:${vf.id}`,
      params: { pfAddress: vf.pf.pciAddress, vfAddress: vf.pciAddress, index: vf.index, settings: clean },
      before: vfBefore(vf),
    },
    who,
    vfName(vf),
  );
}

export async function requestVfBind(vfId: string, input: z.infer<typeof vfDriverSchema>, who: Requester): Promise<RequestOutcome> {
  const vf = await findVf(vfId);
  if (!vf) return { ok: false, code: 'not-found', message: `No virtual function with id "${vfId}".` };
  const down = agentDown(vf.host);
  if (down) return down;
  if (vf.assignment) return { ok: false, code: 'conflict', message: `${vfName(vf)} is assigned to ${vf.assignment.vm.name}; libvirt manages its driver. Release it first.` };
  return enqueue(
    {
      kind: 'bind-vf', hostId: vf.hostId, targetType: 'vf', targetId: vf.id, lane: `pf:${vf.pf.id}`, activeKey: `vf:${vf.id}`,
      params: { pfAddress: vf.pf.pciAddress, vfAddress: vf.pciAddress, index: vf.index, driver: input.driver },
      before: vfBefore(vf),
    },
    who,
    vfName(vf),
  );
}

/** The PF and those of its VFs a batch is for, with its agent answering; an empty batch, a missing VF or an agent down is the outcome to answer. */
async function findPfVfs(pfId: string, indexes: readonly number[]) {
  if (indexes.length === 0) return { ok: false as const, outcome: { ok: false as const, code: 'bad-request' as const, message: 'vfs: give at least one VF.' } };
  const pf = await prisma.physicalFunction.findUnique({
    where: { id: pfId },
    select: {
      id: true, hostId: true, pciAddress: true,
      host: { select: { name: true, agentStatus: true, lastSeenAt: true } },
      virtualFunctions: { where: { index: { in: [...indexes] } }, orderBy: { index: 'asc' }, select: { ...vfSelect, pf: undefined } },
    },
  });
  if (!pf) return { ok: false as const, outcome: { ok: false as const, code: 'not-found' as const, message: `No physical function with id "${pfId}".` } };
  const missing = indexes.filter((i) => !pf.virtualFunctions.some((vf) => vf.index === i));
  if (missing.length) return { ok: false as const, outcome: { ok: false as const, code: 'not-found' as const, message: `${vfsLabel(missing, pf.pciAddress)} ${missing.length === 1 ? 'is' : 'are'} not in the inventory (the PF has ${pf.virtualFunctions.length ? 'other VFs' : 'no VFs'}).` } };
  const down = agentDown(pf.host);
  if (down) return { ok: false as const, outcome: down };
  return { ok: true as const, pf };
}

/**
 * VF settings for several VFs of one PF, as one operation (what a rollout or a policy's automatic
 * remediation asks): the same checks as one VF's, all VFs or none.
 */
export async function requestPfVfSettings(pfId: string, vfs: { index: number; settings: z.infer<typeof vfSettingsSchema> }[], who: Requester): Promise<RequestOutcome> {
  const found = await findPfVfs(pfId, vfs.map((v) => v.index));
  if (!found.ok) return found.outcome;
  const { pf } = found;
  const rows = vfs.map((v) => ({ ...v, row: pf.virtualFunctions.find((vf) => vf.index === v.index)! }));
  const locked = rows.filter((v) => v.row.assignment && (v.settings.mac !== undefined || v.settings.vlan !== undefined));
  if (locked.length) {
    return { ok: false, code: 'conflict', message: `${locked.map((v) => `VF ${v.index} (${v.row.assignment!.vm.name})`).join(', ')} of ${pf.pciAddress}: assigned to a VM, so libvirt sets their MAC and VLAN. Release them to change those.` };
  }
  const clean = (settings: z.infer<typeof vfSettingsSchema>) => Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as OperationParams['set-vf']['settings'];
  return enqueue(
    {
      kind: 'set-vfs', hostId: pf.hostId, targetType: 'pf', targetId: pf.id, lane: `pf:${pf.id}`, activeKey: `pf:${pf.id}`,
      params: { pfAddress: pf.pciAddress, vfs: rows.map((v) => ({ index: v.index, vfAddress: v.row.pciAddress, settings: clean(v.settings) })) },
      before: Object.fromEntries(rows.map((v) => [v.index, vfBefore(v.row)])),
    },
    who,
    pf.pciAddress,
  );
}

/**
 * A policy's stable MACs for several VFs of one PF: each VF's MAC from the fleet's ledger
 * (allocated now if it has none: unique in the fleet), set as one operation; the agent keeps them
 * as desired state and sets them again after every reboot.
 */
export async function requestPfStableMacs(pfId: string, indexes: number[], who: Requester): Promise<RequestOutcome> {
  const pf = await prisma.physicalFunction.findUnique({ where: { id: pfId }, select: { hostId: true, pciAddress: true, host: { select: { serialNumber: true } } } });
  if (!pf) return { ok: false, code: 'not-found', message: `No physical function with id "${pfId}".` };
  const vfs: { index: number; settings: { mac: string } }[] = [];
  for (const index of indexes) {
    const mac = await allocateVfMac(prisma, { hostId: pf.hostId, serialNumber: pf.host.serialNumber, pfAddress: pf.pciAddress, vfIndex: index }, who.name);
    vfs.push({ index, settings: { mac } });
  }
  return requestPfVfSettings(pfId, vfs, who);
}

/** Drivers for several free VFs of one PF, as one operation. */
export async function requestPfVfBind(pfId: string, indexes: number[], input: z.infer<typeof vfDriverSchema>, who: Requester): Promise<RequestOutcome> {
  const found = await findPfVfs(pfId, indexes);
  if (!found.ok) return found.outcome;
  const { pf } = found;
  const held = pf.virtualFunctions.filter((vf) => vf.assignment);
  if (held.length) return { ok: false, code: 'conflict', message: `${held.map((vf) => `VF ${vf.index} (${vf.assignment!.vm.name})`).join(', ')} of ${pf.pciAddress}: assigned to a VM; libvirt manages their driver. Release them first.` };
  return enqueue(
    {
      kind: 'bind-vfs', hostId: pf.hostId, targetType: 'pf', targetId: pf.id, lane: `pf:${pf.id}`, activeKey: `pf:${pf.id}`,
      params: { pfAddress: pf.pciAddress, vfs: pf.virtualFunctions.map((vf) => ({ index: vf.index, vfAddress: vf.pciAddress })), driver: input.driver },
      before: Object.fromEntries(pf.virtualFunctions.map((vf) => [vf.index, vfBefore(vf)])),
    },
    who,
    pf.pciAddress,
  );
}

export async function requestAssign(vfId: string, input: z.infer<typeof assignSchema>, who: Requester): Promise<RequestOutcome> {
  const vf = await findVf(vfId);
  if (!vf) return { ok: false, code: 'not-found', message: `No virtual function with id "${vfId}".` };
  if (vf.assignment) return { ok: false, code: 'conflict', message: `${vfName(vf)} is already assigned to ${vf.assignment.vm.name}. Release it first.` };
  const vm = await prisma.virtualMachine.findUnique({ where: { id: input.vmId }, select: { id: true, name: true, hostId: true } });
  if (!vm || vm.hostId !== vf.hostId) return { ok: false, code: 'bad-request', message: `vmId: no VM with id "${input.vmId}" on ${vf.host.name}.` };
  const down = agentDown(vf.host);
  if (down) return down;
  const identity = { hostId: vf.hostId, serialNumber: vf.host.serialNumber, pfAddress: vf.pf.pciAddress, vfIndex: vf.index };
  if (input.mac) {
    const holder = await macHolder(prisma, input.mac);
    if (holder && !(holder.hostId === identity.hostId && holder.pfAddress === identity.pfAddress && holder.vfIndex === identity.vfIndex)) {
      const host = holder.hostId === vf.hostId ? vf.host.name : ((await prisma.host.findUnique({ where: { id: holder.hostId }, select: { name: true } }))?.name ?? 'another host');
      return { ok: false, code: 'conflict', message: `mac: ${input.mac} is the MAC the dashboard gave VF ${holder.vfIndex} of ${holder.pfAddress} on ${host}; leave it empty to use this VF's own.` };
    }
  }
  // Never zeros: without a MAC asked for, the VF keeps the one it was given, or gets its own.
  const chosen = assignmentMac(input.mac, vf.desiredMac) ?? { mac: await allocateVfMac(prisma, identity, who.name), source: 'allocated' as const };
  return enqueue(
    {
      kind: 'assign-vf', hostId: vf.hostId, targetType: 'vf', targetId: vf.id, lane: `pf:${vf.pf.id}`, activeKey: `vf:${vf.id}`,
      params: {
        pfAddress: vf.pf.pciAddress, vfAddress: vf.pciAddress, index: vf.index, vmId: vm.id, vmName: vm.name,
        mac: chosen.mac, macSource: chosen.source, ...(input.vlan !== undefined ? { vlan: input.vlan } : {}),
      },
      before: vfBefore(vf),
    },
    who,
    vfName(vf),
  );
}

export async function requestRelease(vfId: string, who: Requester): Promise<RequestOutcome> {
  const vf = await findVf(vfId);
  if (!vf) return { ok: false, code: 'not-found', message: `No virtual function with id "${vfId}".` };
  if (!vf.assignment) return { ok: false, code: 'conflict', message: `${vfName(vf)} is not assigned to a VM.` };
  const down = agentDown(vf.host);
  if (down) return down;
  return enqueue(
    {
      kind: 'release-vf', hostId: vf.hostId, targetType: 'vf', targetId: vf.id, lane: `pf:${vf.pf.id}`, activeKey: `vf:${vf.id}`,
      params: { pfAddress: vf.pf.pciAddress, vfAddress: vf.pciAddress, index: vf.index, vmName: vf.assignment.vm.name },
      before: vfBefore(vf),
    },
    who,
    vfName(vf),
  );
}

async function findHostForIlo(hostId: string) {
  return prisma.host.findUnique({
    where: { id: hostId },
    select: {
      id: true, name: true, powerState: true, agentStatus: true, lastSeenAt: true, bmc: { select: { id: true } },
      bios: { select: { name: true, current: true, pending: true, desired: true } },
      virtualMachines: { where: { state: 'running' }, select: { name: true }, orderBy: { name: 'asc' } },
    },
  });
}

export async function requestBiosChange(hostId: string, input: z.infer<typeof biosChangeSchema>, who: Requester): Promise<RequestOutcome> {
  const host = await findHostForIlo(hostId);
  if (!host) return { ok: false, code: 'not-found', message: `No host with id "${hostId}".` };
  if (!host.bmc) return { ok: false, code: 'conflict', message: `${host.name} has no iLO registered.` };
  const attributes = input.attributes as Record<string, string>;
  const registry = await loadBiosRegistry(hostId);
  if (!registry) {
    return { ok: false, code: 'conflict', message: `The BIOS attribute registry of ${host.name} has not been read from its iLO yet, so the change cannot be checked. Refresh the host and try again.` };
  }
  const settings = Object.fromEntries(host.bios.flatMap((b) => (b.pending ?? b.current) === null ? [] : [[b.name, (b.pending ?? b.current)!]]));
  const issues = checkBiosChange(registry, settings, attributes);
  if (issues.length > 0) {
    return { ok: false, code: 'bad-request', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues };
  }
  return enqueue(
    {
      kind: 'set-bios', hostId, targetType: 'host', targetId: hostId, lane: `host:${hostId}`, activeKey: `bios:${hostId}`,
      params: { attributes },
      before: Object.fromEntries(host.bios.filter((b) => b.name in attributes).map((b) => [b.name, { current: b.current, pending: b.pending }])),
    },
    who,
    `The BIOS of ${host.name}`,
  );
}

export async function requestPower(hostId: string, input: z.infer<typeof powerSchema>, who: Requester): Promise<RequestOutcome> {
  const host = await findHostForIlo(hostId);
  if (!host) return { ok: false, code: 'not-found', message: `No host with id "${hostId}".` };
  if (!host.bmc) return { ok: false, code: 'conflict', message: `${host.name} has no iLO registered.` };
  if (input.action === 'on') {
    if (host.powerState === 'On') return { ok: false, code: 'conflict', message: `${host.name} is already powered on (as the iLO last reported).` };
    if (input.resetType) return { ok: false, code: 'bad-request', message: 'resetType: only for action "reset".' };
    return enqueue(
      { kind: 'power-on', hostId, targetType: 'host', targetId: hostId, lane: `host:${hostId}`, activeKey: `power:${hostId}`, params: {}, before: { powerState: host.powerState } },
      who,
      `The power of ${host.name}`,
    );
  }
  if (host.powerState === 'Off') return { ok: false, code: 'conflict', message: `${host.name} is powered off; power it on instead (pending BIOS settings apply at that boot).` };
  return enqueue(
    {
      kind: 'reset-host', hostId, targetType: 'host', targetId: hostId, lane: `host:${hostId}`, activeKey: `power:${hostId}`,
      params: { resetType: input.resetType ?? 'GracefulRestart', vmsGoingDown: host.virtualMachines.map((vm) => vm.name) },
      before: { powerState: host.powerState, pending: host.bios.filter((b) => b.pending !== null && b.pending !== b.current).map((b) => `${b.name}=${b.pending}`) },
    },
    who,
    `The power of ${host.name}`,
  );
}

export async function requestOsFix(hostId: string, input: z.infer<typeof osFixSchema>, who: Requester): Promise<RequestOutcome> {
  const host = await prisma.host.findUnique({ where: { id: hostId }, select: { name: true, agentStatus: true, lastSeenAt: true, kernelCmdline: true, vfioPciLoaded: true } });
  if (!host) return { ok: false, code: 'not-found', message: `No host with id "${hostId}".` };
  const down = agentDown(host);
  if (down) return down;
  return enqueue(
    {
      kind: 'os-fix', hostId, targetType: 'host', targetId: hostId, lane: `host:${hostId}`, activeKey: `os:${hostId}:${input.fix}`,
      params: { fix: input.fix },
      before: input.fix === 'vfio' ? { vfioPciLoaded: host.vfioPciLoaded } : { kernelCmdline: host.kernelCmdline },
    },
    who,
    `The operating system of ${host.name}`,
  );
}

export const fixSchema = z.strictObject({
  /** Reboot through the iLO once the changes are made (when the fix needs one); false stages them only. */
  reboot: z.boolean(),
  resetType: z.enum(['GracefulRestart', 'ForceRestart']).optional(),
});

/**
 * The host's fix, as its change set says (computed here from the inventory, never taken from the
 * request): its BIOS change and OS fixes queued together, then the one reboot they need, which
 * runs only if they all succeeded. The lane keeps them in that order.
 */
export async function requestFix(hostId: string, input: z.infer<typeof fixSchema>, who: Requester & { role: Role }): Promise<FixOutcome> {
  const host = await getHostDetail(hostId);
  if (!host) return { ok: false, code: 'not-found', message: `No host with id "${hostId}".` };
  const changes = automaticChanges(host.fix);
  const reboot = input.reboot && host.fix.reboots > 0;
  if (input.resetType && !input.reboot) return { ok: false, code: 'bad-request', message: 'resetType: only with "reboot": true.' };
  if (changes.length === 0 && !reboot) {
    const manual = host.fix.changes.map((c) => c.label);
    const message =
      host.fix.reboots > 0
        ? `The fix of ${host.name} is a reboot: ask for it with "reboot": true.`
        : manual.length > 0
          ? `Nothing in the fix of ${host.name} is the dashboard's to do: ${manual.join('; ')}.`
          : `${host.name} needs no fix: its readiness chain holds as far as the dashboard can change it.`;
    return { ok: false, code: 'conflict', message };
  }
  const kinds = [...new Set([...changes.map((c) => c.kind), ...(reboot ? (['reset-host'] as const) : [])])];
  const refused = kinds.find((k) => !can(who.role, CHANGE_PERMISSION[k]));
  if (refused) return { ok: false, code: 'forbidden', message: refusalReason(who.role, CHANGE_PERMISSION[refused]) };
  if (!host.bmc && (reboot || changes.some((c) => c.kind === 'set-bios'))) return { ok: false, code: 'conflict', message: `${host.name} has no iLO registered.` };
  if (changes.some((c) => c.kind === 'os-fix')) {
    const down = agentDown({ name: host.name, agentStatus: host.agentStatus, lastSeenAt: host.lastSeenAt });
    if (down && !down.ok) return down;
  }
  if (reboot && host.powerState === 'Off') return { ok: false, code: 'conflict', message: `${host.name} is powered off; power it on instead (pending BIOS settings apply at that boot).` };

  const bios = new Map(host.bios.map((b) => [b.name, b]));
  const ops: { op: AnyNewOperation; what: string }[] = [];
  for (const change of changes) {
    if (change.kind === 'set-bios') {
      ops.push({
        op: {
          kind: 'set-bios', hostId, targetType: 'host', targetId: hostId, lane: `host:${hostId}`, activeKey: `bios:${hostId}`,
          params: { attributes: change.attributes },
          before: Object.fromEntries(Object.keys(change.attributes).map((name) => [name, { current: bios.get(name)?.current ?? null, pending: bios.get(name)?.pending ?? null }])),
        },
        what: `The BIOS of ${host.name}`,
      });
    } else {
      ops.push({
        op: {
          kind: 'os-fix', hostId, targetType: 'host', targetId: hostId, lane: `host:${hostId}`, activeKey: `os:${hostId}:${change.fix}`,
          params: { fix: change.fix },
          before: change.fix === 'vfio' ? { vfioPciLoaded: host.vfioPciLoaded } : { kernelCmdline: host.kernelCmdline },
        },
        what: `The operating system of ${host.name}`,
      });
    }
  }
  if (reboot) {
    ops.push({
      op: {
        kind: 'reset-host', hostId, targetType: 'host', targetId: hostId, lane: `host:${hostId}`, activeKey: `power:${hostId}`,
        params: { resetType: input.resetType ?? 'GracefulRestart', vmsGoingDown: host.virtualMachines.filter((vm) => vm.state === 'running').map((vm) => vm.name) },
        afterEarlier: ops.length > 0,
        before: { powerState: host.powerState, pending: host.fix.pendingBios.map((b) => `${b.name}=${b.value}`) },
      },
      what: `The power of ${host.name}`,
    });
  }
  return enqueueAll(ops, who);
}

export async function listHostOperations(hostId: string, limit = 50): Promise<OperationView[]> {
  const rows = await prisma.operation.findMany({ where: { hostId }, orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }], take: limit, select: operationSelect });
  return rows.map(toOperationView);
}

export async function getOperation(id: string): Promise<OperationView | null> {
  const row = await prisma.operation.findUnique({ where: { id }, select: operationSelect });
  return row ? toOperationView(row) : null;
}

export { operationSelect };
