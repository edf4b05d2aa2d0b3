// A host's plan as the steps a rollout takes, in the one order that costs at most one reboot:
// BIOS values and kernel arguments staged together, vfio-pci loaded, then (if anything waits for
// it) the one reset, then VF counts, drivers and VF settings once the host is back. A VF count
// on a PF whose VFs VMs hold is preceded by releasing them, when the rollout says go ahead.
// Pure.

import type { HostPlan, PlanChange } from '@/lib/policies/plan';
import type { VfDefaults } from '@/lib/policies/document';

export type StepOp =
  | { kind: 'set-bios'; attributes: Record<string, string> }
  | { kind: 'os-fix'; fix: 'iommu-args' | 'vfio' }
  | { kind: 'reset-host' }
  | { kind: 'release-vf'; pfId: string; index: number; vm: string }
  | { kind: 'set-vf-count'; pfId: string; numVfs: number }
  | { kind: 'bind-vf'; pfId: string; index: number; driver: 'vfio-pci' | 'default' }
  | { kind: 'set-vf'; pfId: string; index: number; settings: VfDefaults }
  /** What rollouts queue now: one operation per PF (the two above are in rollouts made before). */
  | { kind: 'set-vfs'; pfId: string; vfs: { index: number; settings: VfDefaults }[] }
  | { kind: 'bind-vfs'; pfId: string; indexes: number[]; driver: 'vfio-pci' | 'default' }
  /** The VFs' MACs from the fleet's ledger (allocated when queued). */
  | { kind: 'set-vf-macs'; pfId: string; indexes: number[] };

export interface StepOpState {
  op: StepOp;
  operationId?: string;
  status?: 'queued' | 'succeeded' | 'failed';
  error?: string;
}

export type StepId = 'stage' | 'vfio' | 'release' | 'reboot' | 'vf-count' | 'vf-driver' | 'vf-settings' | 'vf-macs';

export interface Step {
  id: StepId;
  label: string;
  /** A VM notices it: the host counts as unavailable from here until it is ready again. */
  disruptive: boolean;
  ops: StepOpState[];
  status: 'waiting' | 'running' | 'done' | 'failed';
}

export interface HostSteps {
  steps: Step[];
  /** Why the host cannot take part: refused changes, VMs holding VFs (with onVmsHoldingVfs skip). */
  refused: string[];
  blocked: string[];
}

const planned = (c: PlanChange) => c.status === 'planned';

export function hostSteps(plan: HostPlan, options: { onVmsHoldingVfs: 'skip' | 'wait' | 'proceed' }, heldVfs: { pfId: string; index: number; vm: string }[]): HostSteps {
  const refused = plan.changes.filter((c) => c.status === 'refused').map((c) => `${c.target}: ${c.reason ?? 'refused'}`);
  const blockedChanges = plan.changes.filter((c) => c.status === 'blocked');
  const usable = plan.changes.filter((c) => planned(c) || (c.status === 'blocked' && options.onVmsHoldingVfs !== 'skip'));
  const steps: Step[] = [];
  const step = (id: StepId, label: string, disruptive: boolean, ops: StepOp[]) => {
    if (ops.length) steps.push({ id, label, disruptive, ops: ops.map((op) => ({ op })), status: 'waiting' });
  };

  const bios: Record<string, string> = {};
  for (const c of usable) if (c.apply.kind === 'set-bios') Object.assign(bios, c.apply.attributes);
  const stage: StepOp[] = [];
  if (Object.keys(bios).length) stage.push({ kind: 'set-bios', attributes: bios });
  if (usable.some((c) => c.apply.kind === 'os-fix' && c.apply.fix === 'iommu-args')) stage.push({ kind: 'os-fix', fix: 'iommu-args' });
  step('stage', [Object.keys(bios).length ? `stage BIOS ${Object.entries(bios).map(([k, v]) => `${k}=${v}`).join(', ')}` : null, stage.some((o) => o.kind === 'os-fix') ? 'add the IOMMU kernel arguments' : null].filter(Boolean).join(' and '), false, stage);
  step('vfio', 'load vfio-pci now and at every boot', false, usable.some((c) => c.apply.kind === 'os-fix' && c.apply.fix === 'vfio') ? [{ kind: 'os-fix', fix: 'vfio' }] : []);

  // VFs VMs hold go first (the rollout said go ahead): the VMs named in the plan lose them.
  const counts = usable.filter((c) => c.apply.kind === 'set-vf-count');
  const countPfs = new Set(counts.map((c) => (c.apply as { pfId: string }).pfId));
  if (options.onVmsHoldingVfs === 'proceed') {
    const release = heldVfs.filter((vf) => countPfs.has(vf.pfId));
    step('release', `release ${release.map((r) => `VF ${r.index} from ${r.vm}`).join(', ')}`, true, release.map((r) => ({ kind: 'release-vf', ...r })));
  }
  if (plan.reboot.needed) step('reboot', `reboot through the iLO${plan.reboot.vmsGoingDown.length ? ` (${plan.reboot.vmsGoingDown.join(', ')} go down)` : ''}`, true, [{ kind: 'reset-host' }]);

  step('vf-count', counts.map((c) => `${c.target} to ${(c.apply as { numVfs: number }).numVfs} VFs`).join(', '), counts.some((c) => c.status === 'blocked'), counts.map((c) => {
    const a = c.apply as Extract<PlanChange['apply'], { kind: 'set-vf-count' }>;
    return { kind: 'set-vf-count', pfId: a.pfId, numVfs: a.numVfs };
  }));
  const drivers = usable.flatMap((c) => (c.apply.kind === 'bind-vf' ? c.apply.vfIndexes.map((index) => ({ pfId: (c.apply as { pfId: string }).pfId, index, driver: (c.apply as { driver: 'vfio-pci' | 'default' }).driver })) : []));
  step('vf-driver', `bind ${drivers.length} VF${drivers.length === 1 ? '' : 's'} to ${drivers[0]?.driver === 'vfio-pci' ? 'vfio-pci' : 'the default driver'}`, false, bindsByPf(drivers));
  const settings = usable.flatMap((c) => (c.apply.kind === 'set-vf' ? c.apply.vfIndexes.map((index) => ({ pfId: (c.apply as { pfId: string }).pfId, index, settings: (c.apply as { settings: VfDefaults }).settings })) : []));
  const byPf = settingsByPf(settings);
  const vfCount = byPf.reduce((n, op) => n + op.vfs.length, 0);
  step('vf-settings', `set ${[...new Set(settings.flatMap((s) => Object.keys(s.settings)))].join(', ')} on ${vfCount} VF${vfCount === 1 ? '' : 's'}`, false, byPf);
  const macs: StepOp[] = usable.flatMap((c) => (c.apply.kind === 'set-vf-macs' ? [{ kind: 'set-vf-macs' as const, pfId: c.apply.pfId, indexes: c.apply.vfIndexes }] : []));
  const macVfs = macs.reduce((n, op) => n + (op.kind === 'set-vf-macs' ? op.indexes.length : 0), 0);
  step('vf-macs', `give ${macVfs} VF${macVfs === 1 ? '' : 's'} ${macVfs === 1 ? 'its' : 'their'} stable MAC${macVfs === 1 ? '' : 's'} from the fleet's ledger`, false, macs);

  return { steps, refused, blocked: blockedChanges.map((c) => `${c.target}: ${c.reason ?? 'blocked'}`) };
}

/** One operation per PF; each VF once, with all of its settings that change. */
function settingsByPf(changes: { pfId: string; index: number; settings: VfDefaults }[]): Extract<StepOp, { kind: 'set-vfs' }>[] {
  const pfs = new Map<string, Map<number, VfDefaults>>();
  for (const c of changes) {
    const vfs = pfs.get(c.pfId) ?? new Map<number, VfDefaults>();
    vfs.set(c.index, { ...vfs.get(c.index), ...c.settings });
    pfs.set(c.pfId, vfs);
  }
  return [...pfs].map(([pfId, vfs]) => ({ kind: 'set-vfs', pfId, vfs: [...vfs].sort(([a], [b]) => a - b).map(([index, settings]) => ({ index, settings })) }));
}

/** One operation per PF and driver. */
function bindsByPf(changes: { pfId: string; index: number; driver: 'vfio-pci' | 'default' }[]): Extract<StepOp, { kind: 'bind-vfs' }>[] {
  const groups = new Map<string, Extract<StepOp, { kind: 'bind-vfs' }>>();
  for (const c of changes) {
    const key = `${c.pfId}/${c.driver}`;
    const group = groups.get(key) ?? { kind: 'bind-vfs', pfId: c.pfId, indexes: [], driver: c.driver };
    if (!group.indexes.includes(c.index)) group.indexes.push(c.index);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ ...g, indexes: g.indexes.sort((a, b) => a - b) }));
}
