// The changes the dashboard makes to hosts, and how an operation row is shown. Pure: the timeline
// in the browser uses the same descriptions.

export const OPERATION_KINDS = ['set-vf-count', 'set-vf', 'bind-vf', 'set-vfs', 'bind-vfs', 'assign-vf', 'release-vf', 'set-bios', 'reset-host', 'power-on', 'os-fix'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** Each kind as an operator names it: menus, the audit log, the change history. */
export const OPERATION_KIND_WORDS: Record<OperationKind, string> = {
  'set-vf-count': 'Set VF count',
  'set-vf': 'Change VF settings',
  'bind-vf': 'Bind VF driver',
  'set-vfs': 'Change VF settings on a PF',
  'bind-vfs': 'Bind VF drivers on a PF',
  'assign-vf': 'Assign VF',
  'release-vf': 'Release VF',
  'set-bios': 'Change BIOS',
  'reset-host': 'Reboot through iLO',
  'power-on': 'Power on through iLO',
  'os-fix': 'Fix the OS',
};

export const OPERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
export const ACTIVE_STATUSES: readonly OperationStatus[] = ['queued', 'running'];

export interface VfSettingsParams {
  mac?: string;
  vlan?: number;
  qos?: number;
  trust?: boolean;
  spoofchk?: boolean;
  linkState?: 'auto' | 'enable' | 'disable';
  maxTxRate?: number;
}

/** What each kind stores in Operation.params (JSON). */
export interface OperationParams {
  'set-vf-count': { pfAddress: string; numVfs: number };
  'set-vf': { pfAddress: string; vfAddress: string; index: number; settings: VfSettingsParams };
  'bind-vf': { pfAddress: string; vfAddress: string; index: number; driver: 'vfio-pci' | 'default' };
  /** Several VFs of one PF in one operation (a policy's VF defaults, the MACs of its ledger): one read-back for all. */
  'set-vfs': { pfAddress: string; vfs: { index: number; vfAddress: string; settings: VfSettingsParams }[] };
  'bind-vfs': { pfAddress: string; vfs: { index: number; vfAddress: string }[]; driver: 'vfio-pci' | 'default' };
  /** `mac`: asked for, kept from an earlier setting, or allocated (lib/inventory/mac-allocator.ts); absent only in rows from before. */
  'assign-vf': { pfAddress: string; vfAddress: string; index: number; vmId: string; vmName: string; mac?: string; macSource?: 'asked' | 'kept' | 'allocated'; vlan?: number };
  'release-vf': { pfAddress: string; vfAddress: string; index: number; vmName: string };
  'set-bios': { attributes: Record<string, string> };
  /** `after`: the operations of the same fix whose changes this reset applies; it runs only if they all succeeded. */
  'reset-host': { resetType: 'GracefulRestart' | 'ForceRestart'; vmsGoingDown: string[]; after?: string[]; stage?: 'sending' | 'sent'; bootIdBefore?: string | null; sentAt?: string };
  'power-on': Record<string, never>;
  'os-fix': { fix: 'iommu-args' | 'vfio' };
}

export interface OperationView {
  id: string;
  kind: OperationKind;
  hostId: string | null;
  targetType: 'host' | 'pf' | 'vf';
  targetId: string;
  targetLabel: string;
  summary: string;
  status: OperationStatus;
  attempts: number;
  progress: string | null;
  error: string | null;
  requestedBy: string;
  /** The rollout the operation is a step of. */
  rolloutId: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const vfLabel = (p: { index: number; pfAddress: string }) => `VF ${p.index} of ${p.pfAddress}`;

/** "VFs 0–3, 5": indexes as ranges. */
export function vfRange(indexes: readonly number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return `${sorted.length === 1 ? 'VF' : 'VFs'} ${parts.join(', ')}`;
}

/** "VFs 0–7, 9 of 0000:5e:00.0". */
export const vfsLabel = (indexes: readonly number[], pfAddress: string): string => `${vfRange(indexes)} of ${pfAddress}`;

function settingsText(s: VfSettingsParams): string {
  const parts = Object.entries(s).map(([k, v]) => `${k} ${String(v)}`);
  return parts.join(', ') || 'no change';
}

export function describeOperation(kind: string, params: unknown, hostName: string | null): { targetLabel: string; summary: string } {
  const host = hostName ?? 'the host';
  switch (kind as OperationKind) {
    case 'set-vf-count': {
      const p = params as OperationParams['set-vf-count'];
      return { targetLabel: p.pfAddress, summary: `Set ${p.pfAddress} to ${p.numVfs} VFs` };
    }
    case 'set-vf': {
      const p = params as OperationParams['set-vf'];
      return { targetLabel: vfLabel(p), summary: `Set ${vfLabel(p)}: ${settingsText(p.settings)}` };
    }
    case 'bind-vf': {
      const p = params as OperationParams['bind-vf'];
      return { targetLabel: vfLabel(p), summary: `Bind ${vfLabel(p)} to ${p.driver === 'default' ? 'its default driver' : 'vfio-pci'}` };
    }
    case 'set-vfs': {
      const p = params as OperationParams['set-vfs'];
      const vfs = p.vfs ?? [];
      const texts = new Set(vfs.map((v) => settingsText(v.settings)));
      const what = texts.size === 1 ? [...texts][0]! : vfs.map((v) => `VF ${v.index}: ${settingsText(v.settings)}`).join('; ');
      return { targetLabel: p.pfAddress, summary: `Set ${vfsLabel(vfs.map((v) => v.index), p.pfAddress)}: ${what}` };
    }
    case 'bind-vfs': {
      const p = params as OperationParams['bind-vfs'];
      return { targetLabel: p.pfAddress, summary: `Bind ${vfsLabel((p.vfs ?? []).map((v) => v.index), p.pfAddress)} to ${p.driver === 'default' ? 'their default driver' : 'vfio-pci'}` };
    }
    case 'assign-vf': {
      const p = params as OperationParams['assign-vf'];
      const mac = p.mac && `MAC ${p.mac}${p.macSource === 'allocated' ? ', its own' : ''}`;
      const extras = [mac, p.vlan !== undefined && `VLAN ${p.vlan}`].filter(Boolean).join(', ');
      return { targetLabel: vfLabel(p), summary: `Assign ${vfLabel(p)} to ${p.vmName}${extras ? ` (${extras})` : ''}` };
    }
    case 'release-vf': {
      const p = params as OperationParams['release-vf'];
      return { targetLabel: vfLabel(p), summary: `Release ${vfLabel(p)} from ${p.vmName}` };
    }
    case 'set-bios': {
      const p = params as OperationParams['set-bios'];
      return { targetLabel: `${host} BIOS`, summary: `Set BIOS ${Object.entries(p.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}` };
    }
    case 'reset-host': {
      const p = params as OperationParams['reset-host'];
      // Rows written by older versions (or by hand) may lack the list: the words must not throw.
      const vms = p.vmsGoingDown?.length ? ` (VMs going down: ${p.vmsGoingDown.join(', ')})` : '';
      return { targetLabel: host, summary: `${p.resetType === 'ForceRestart' ? 'Force restart' : 'Graceful restart'} of ${host} through the iLO${vms}` };
    }
    case 'power-on':
      return { targetLabel: host, summary: `Power on ${host} through the iLO` };
    case 'os-fix': {
      const p = params as OperationParams['os-fix'];
      return { targetLabel: host, summary: p.fix === 'iommu-args' ? `Add the IOMMU arguments to ${host}'s kernel command line` : `Load vfio-pci on ${host} now and at every boot` };
    }
    default:
      return { targetLabel: host, summary: kind };
  }
}

export function parseParams(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export interface OperationRow {
  id: string;
  kind: string;
  hostId: string | null;
  targetType: string;
  targetId: string;
  params: string;
  status: string;
  attempts: number;
  progress: string | null;
  error: string | null;
  requestedBy: string;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  host?: { name: string } | null;
  rolloutId?: string | null;
}

export function toOperationView(row: OperationRow): OperationView {
  const { targetLabel, summary } = describeOperation(row.kind, parseParams(row.params), row.host?.name ?? null);
  return {
    id: row.id,
    kind: row.kind as OperationKind,
    hostId: row.hostId,
    targetType: row.targetType as OperationView['targetType'],
    targetId: row.targetId,
    targetLabel,
    summary,
    status: row.status as OperationStatus,
    attempts: row.attempts,
    progress: row.progress,
    error: row.error,
    requestedBy: row.requestedBy,
    rolloutId: row.rolloutId ?? null,
    queuedAt: row.queuedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
