// The host page and the VM view as the browser sees them: the host as JSON, the TanStack Query keys
// shared by the server prefetch and the client hooks, and the pure judgements the pages make (what
// a VF tile says, which VMs to offer first, how often to poll). Only type imports from server
// modules: the browser bundles this one.

import type { Action } from '@/lib/auth/permissions';
import { ACTIVE_STATUSES, type OperationKind, type OperationView } from '@/lib/operations/kinds';
import type { DriftItem } from './drift';
import { assignmentGuestVerdict, type GuestVfVerdict } from './guest';
import { isUnsetMac } from './mac';
import type { HostChangeKind } from './change-set';
import type { HostDetail } from './service';

/** What JSON makes of a value: dates arrive as ISO strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** GET /api/hosts/[id]: the host detail as JSON. */
export type HostView = Jsonified<HostDetail>;

/** The permission each part of a host's fix needs (lib/auth/permissions.ts); a person does the manual ones. */
export const CHANGE_PERMISSION: Record<Exclude<HostChangeKind, 'manual'> | 'reset-host', Action> = { 'set-bios': 'bios:change', 'os-fix': 'host:manage', 'reset-host': 'host:power' };

/** A drift value in words: booleans as on/off (as `ip link` shows them), null as nothing. */
export function driftValueText(value: DriftItem['desired']): string {
  if (value === null) return 'nothing';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

export type PfView = HostView['physicalFunctions'][number];

/** The MAC a VF gets when assigned without one asked for: the one it was given before, or its reserved one (null: a new one). */
export function macOnAssign(host: Pick<HostView, 'macAllocations'>, pf: Pick<PfView, 'pciAddress'>, vf: { index: number; desiredMac: string | null }): { mac: string | null; source: 'kept' | 'allocated' } {
  if (!isUnsetMac(vf.desiredMac)) return { mac: vf.desiredMac.toLowerCase(), source: 'kept' };
  const reserved = host.macAllocations.find((a) => a.pfAddress === pf.pciAddress && a.vfIndex === vf.index);
  return { mac: reserved?.mac ?? null, source: 'allocated' };
}
export type VfView = PfView['virtualFunctions'][number];

export interface VmFilter {
  hostId?: string;
  q?: string;
  placement?: 'cross-numa';
  /** 1 when left out. */
  page?: number;
}

/** The VM view's filters as the URL carries them (?hostId=&q=&placement=&page=), the same names as GET /api/vms; a value the API would refuse is passed on for it to name. */
export function vmFilterFromParams(params: URLSearchParams | Record<string, string | string[] | undefined>): VmFilter {
  const get = (key: string) => {
    const value = params instanceof URLSearchParams ? params.get(key) : params[key];
    return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
  };
  const hostId = get('hostId');
  const q = get('q');
  const placement = get('placement');
  const page = Number(get('page'));
  return {
    ...(hostId ? { hostId } : {}),
    ...(q ? { q } : {}),
    ...(placement ? { placement: placement as 'cross-numa' } : {}),
    ...(Number.isInteger(page) && page > 1 ? { page } : {}),
  };
}

export function vmSearchParams(filter: VmFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.hostId) params.set('hostId', filter.hostId);
  if (filter.q) params.set('q', filter.q);
  if (filter.placement) params.set('placement', filter.placement);
  if (filter.page && filter.page > 1) params.set('page', String(filter.page));
  return params;
}

export const hostQueryKeys = {
  host: (id: string) => ['host', id] as const,
  operations: (id: string) => ['host', id, 'operations'] as const,
  vms: (filter: VmFilter) => ['vms', { hostId: filter.hostId ?? '', q: filter.q ?? '', placement: filter.placement ?? '', page: filter.page ?? 1 }] as const,
};

export function isActive(op: Pick<OperationView, 'status'>): boolean {
  return ACTIVE_STATUSES.includes(op.status);
}

/** The active operation on each VF: one aimed at the VF itself, or at its PF (a count change recreates every VF). */
export function activeOperationByVf(pfs: readonly Pick<PfView, 'id' | 'virtualFunctions'>[], operations: readonly OperationView[]): Map<string, OperationView> {
  const byVf = new Map<string, OperationView>();
  // Oldest first, so the operation that runs first is the one a tile names.
  const active = operations.filter(isActive).reverse();
  for (const op of active) {
    if (op.targetType === 'vf' && !byVf.has(op.targetId)) byVf.set(op.targetId, op);
    if (op.targetType === 'pf') {
      const pf = pfs.find((p) => p.id === op.targetId);
      for (const vf of pf?.virtualFunctions ?? []) if (!byVf.has(vf.id)) byVf.set(vf.id, op);
    }
  }
  return byVf;
}

/** The active operation aimed at a PF itself (a count change), if any. */
export function activeOperationOnPf(pfId: string, operations: readonly OperationView[]): OperationView | null {
  return operations.find((op) => isActive(op) && op.targetType === 'pf' && op.targetId === pfId) ?? null;
}

export type VfBase = 'free' | 'vfio' | 'assigned';

export interface VfTileState {
  base: VfBase;
  /** "free", "assigned to vnf-fw-01", "bound to vfio-pci". */
  word: string;
  vmName: string | null;
  operation: OperationView | null;
  drift: DriftItem[];
  /** What the VM's guest sees of an assigned VF; null when the VF is not assigned. */
  guest: GuestVfVerdict | null;
  /** The tile's accessible name: "VF 3 free", "VF 3 assigned to vnf-fw-01, drifted, in progress". */
  label: string;
}

const PROGRESS_WORD: Record<OperationKind, string> = {
  'set-vf-count': 'changing VF count',
  'set-vf': 'applying settings',
  'bind-vf': 'binding driver',
  'set-vfs': 'applying settings',
  'bind-vfs': 'binding drivers',
  'assign-vf': 'assigning',
  'release-vf': 'releasing',
  'set-bios': 'changing BIOS',
  'reset-host': 'rebooting',
  'power-on': 'powering on',
  'os-fix': 'fixing the OS',
};

export function progressWord(kind: OperationKind): string {
  return PROGRESS_WORD[kind];
}

type Assigned = NonNullable<VfView['assignment']>;
type TileVf = Pick<VfView, 'id' | 'index' | 'driver'> & {
  linkState?: string | null;
  assignment: ({ vm: Pick<Assigned['vm'], 'name'> & Partial<Pick<Assigned['vm'], 'state' | 'guestAgent'>> } & Partial<Omit<Assigned, 'vm'>>) | null;
};

/** What the guest sees of an assigned VF, from the assignment's last guest read. */
export function vfGuest(vf: TileVf, expectedDriver: string | null = null, now = Date.now()): GuestVfVerdict | null {
  return vf.assignment ? assignmentGuestVerdict(vf.assignment, vf.linkState ?? null, expectedDriver, now) : null;
}

export function vfTileState(vf: TileVf, operation: OperationView | null, drift: readonly DriftItem[], expectedDriver: string | null = null): VfTileState {
  const vmName = vf.assignment?.vm.name ?? null;
  const base: VfBase = vmName !== null ? 'assigned' : vf.driver === 'vfio-pci' ? 'vfio' : 'free';
  const word = base === 'assigned' ? `assigned to ${vmName}` : base === 'vfio' ? 'bound to vfio-pci' : 'free';
  const mine = drift.filter((d) => d.targetType === 'vf' && d.targetId === vf.id);
  const label = [`VF ${vf.index} ${word}`, mine.length > 0 && 'drifted', operation && 'in progress'].filter(Boolean).join(', ');
  return { base, word, vmName, operation, drift: mine, guest: vfGuest(vf, expectedDriver), label };
}

export interface VmChoice<V> {
  vm: V;
  sameNuma: boolean;
}

/** A NUMA node the kernel actually reported (sysfs says -1 when the platform does not tell). */
export function knownNumaNode(node: number | null | undefined): node is number {
  return typeof node === 'number' && node >= 0;
}

/** VMs to offer for a VF: those on the PF's NUMA node first (no cross-socket traffic), then by name. */
export function orderVmsForPf<V extends { name: string; numaNode: number | null }>(vms: readonly V[], pfNumaNode: number | null): VmChoice<V>[] {
  return vms
    .map((vm) => ({ vm, sameNuma: knownNumaNode(pfNumaNode) && vm.numaNode === pfNumaNode }))
    .sort((a, b) => Number(b.sameNuma) - Number(a.sameNuma) || a.vm.name.localeCompare(b.vm.name));
}

/** A VF whose PF sits on another NUMA node than the VM using it. */
export function numaMismatch(vmNumaNode: number | null, pfNumaNode: number | null): boolean {
  return knownNumaNode(vmNumaNode) && knownNumaNode(pfNumaNode) && vmNumaNode !== pfNumaNode;
}

export const FAST_POLL_MS = 2_000;
export const SLOW_POLL_MS = 10_000;
/** How long after a reset or power-on the page keeps watching for the host to come back. */
const BOOT_WATCH_MS = 15 * 60_000;

/**
 * A reset or power-on is in progress while its operation is active (the worker waits for the host
 * to come back), and after it succeeded for as long as the agent is still not reported online.
 */
export function resetInProgress(host: Pick<HostView, 'agentStatus'> | undefined, operations: readonly OperationView[], now = Date.now()): boolean {
  return restartInProgress(host, operations, now) !== null;
}

/** The reset or power-on the page is following (see resetInProgress), newest first. */
export function restartInProgress(host: Pick<HostView, 'agentStatus'> | undefined, operations: readonly OperationView[], now = Date.now()): OperationView | null {
  return (
    operations.find((op) => {
      if (op.kind !== 'reset-host' && op.kind !== 'power-on') return false;
      if (isActive(op)) return true;
      if (op.status !== 'succeeded' || !op.finishedAt || !host) return false;
      return now - Date.parse(op.finishedAt) < BOOT_WATCH_MS && host.agentStatus !== 'online';
    }) ?? null
  );
}

export interface RestartClock {
  /** When the reboot started (null: queued behind the changes it applies). */
  startedAt: string | null;
  elapsedMs: number | null;
  /** "usually about 9 s (median of this host's last 3 resets)", or why there is nothing to compare with. */
  usually: string;
  /** Much longer than it usually takes: the page says so. */
  late: boolean;
}

/** How long the host has been restarting against how long it usually takes. */
export function restartClock(restart: Pick<OperationView, 'startedAt'>, typical: HostView['typicalReset'], now = Date.now()): RestartClock {
  const elapsedMs = restart.startedAt ? Math.max(0, now - Date.parse(restart.startedAt)) : null;
  if (!typical) return { startedAt: restart.startedAt, elapsedMs, usually: 'no earlier reset of this host or its model is on record to compare with', late: false };
  const of = typical.basis === 'host' ? `this host’s last ${typical.samples === 1 ? 'reset' : `${typical.samples} resets`}` : `${typical.samples === 1 ? '1 reset' : `${typical.samples} resets`} of other ${typical.model} hosts`;
  // Twice the usual, and a minute over it, before calling it late: boots vary.
  const late = elapsedMs !== null && elapsedMs > Math.max(2 * typical.medianMs, typical.medianMs + 60_000);
  return { startedAt: restart.startedAt, elapsedMs, usually: `it usually takes about ${formatDuration(typical.medianMs)} (median of ${of})`, late };
}

/** Poll fast while something is changing on the host, slowly otherwise. */
export function hostPollInterval(host: Pick<HostView, 'agentStatus'> | undefined, operations: readonly OperationView[] | undefined, now = Date.now()): number {
  const ops = operations ?? [];
  return ops.some(isActive) || resetInProgress(host, ops, now) ? FAST_POLL_MS : SLOW_POLL_MS;
}

/** The VMs a reset of the host takes down. */
export function runningVms<V extends { state: string }>(vms: readonly V[]): V[] {
  return vms.filter((vm) => vm.state === 'running');
}

/** "7 s", "2 min 5 s", "1 h 4 min": how long an operation took or has been running. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return '< 1 s';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
