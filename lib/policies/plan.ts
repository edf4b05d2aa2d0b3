// The plan: for every host a policy selects, every change that brings it where its policies say,
// what each costs (a reboot, VMs going down, VMs losing VFs), what cannot be done and why, and how
// long it should take by past operations. Computed against the inventory as it is; nothing moves.
// Pure: hosts and policies in, plan out. Compliance is the same computation read differently
// (compliance.ts); the rollouts apply it.
//
// Overlaps: every setting (a BIOS attribute, a PF's VF count, a VF default) is decided on its own.
// The highest-priority policy's value wins and the plan names the values it overrode; policies of
// the same priority asking different values leave the setting refused, naming both.

import { checkBiosChange, type BiosValue } from '@/lib/ilo/bios-registry';
import type { RegistryDigest } from '@/agent/src/redfish';
import { biosFor, type NicRule, type PolicyDocument, type VfDefaults } from './document';
import { matchesGlob, matchesSelector, type SelectorHost } from './selector';
import { nicModelKeyOf } from '@/lib/inventory/nic-catalog';
import { vfRange } from '@/lib/operations/kinds';
import type { DurationStats } from './estimates';

export interface PlanPolicy {
  id: string;
  name: string;
  version: number;
  document: PolicyDocument;
}

export interface PlanVf {
  index: number;
  pciAddress: string;
  driver: string | null;
  trust: boolean | null;
  spoofchk: boolean | null;
  linkState: string | null;
  maxTxRateMbps: number | null;
  /** As the PF driver reports it (null: not reported). */
  mac: string | null;
  /** The VM holding it, and whether that VM runs. */
  vm: { name: string; state: string } | null;
}

export interface PlanPf {
  id: string;
  pciAddress: string;
  vendorId: string;
  deviceId: string;
  modelName: string;
  netdev: string | null;
  totalVfs: number;
  currentVfs: number;
  firmwareMaxVfs: number | null;
  vfDriver: string | null;
  vfs: PlanVf[];
}

export interface PlanHost extends SelectorHost {
  id: string;
  agentStatus: string;
  /** When the agent last reported (null: never). */
  observedAt: Date | null;
  kernelCmdline: string | null;
  vfioPciLoaded: boolean | null;
  /** Every BIOS attribute [current, pending]; null: the BIOS has not been read. */
  biosValues: Record<string, [unknown, unknown]> | null;
  registry: RegistryDigest | null;
  pfs: PlanPf[];
  vms: { name: string; state: string }[];
  /** The host's VFs in the fleet's MAC ledger: "pfAddress/index" -> MAC. */
  macs: Record<string, string>;
}

export type ChangeKind = 'bios' | 'kernel-args' | 'vfio-at-boot' | 'vf-count' | 'vf-driver' | 'vf-settings' | 'vf-mac';
export type ChangeStatus = 'planned' | 'blocked' | 'refused';

export interface PlanChange {
  kind: ChangeKind;
  /** "BIOS Sriov", "0000:5d:00.0", "0000:5d:00.0 VFs 0–7". */
  target: string;
  from: unknown;
  to: unknown;
  needsReboot: boolean;
  status: ChangeStatus;
  /** Why it is blocked or refused. */
  reason?: string;
  /** The policy whose value applies, and the values of lower-priority policies it overrides. */
  policy: string;
  overridden?: { policy: string; value: unknown }[];
  /** For the rollout: what to send. */
  apply:
    | { kind: 'set-bios'; attributes: Record<string, string> }
    | { kind: 'os-fix'; fix: 'iommu-args' | 'vfio' }
    | { kind: 'set-vf-count'; pfId: string; numVfs: number }
    | { kind: 'bind-vf'; pfId: string; vfIndexes: number[]; driver: 'vfio-pci' | 'default' }
    | { kind: 'set-vf'; pfId: string; vfIndexes: number[]; settings: VfDefaults }
    /** Each VF its MAC from the ledger, allocated when the change is queued if it has none yet. */
    | { kind: 'set-vf-macs'; pfId: string; vfIndexes: number[] };
}

export type HostPlanStatus = 'compliant' | 'changes' | 'pending-reboot' | 'refused' | 'unknown';

export interface HostPlan {
  hostId: string;
  hostName: string;
  model: string;
  generation: string;
  status: HostPlanStatus;
  /** Why the host's state is unknown, when it is. */
  unknownReason?: string;
  policies: { id: string; name: string; version: number }[];
  changes: PlanChange[];
  reboot: { needed: boolean; why: string[]; vmsGoingDown: string[] };
  /** Values already staged in the BIOS that the next reboot applies, and the policy asking each. */
  staged: { attribute: string; value: string; policy: string }[];
  vmsLosingVfs: { vm: string; vfs: string[] }[];
  estimatedSeconds: number | null;
  estimateNote?: string;
}

export interface PlanTotals {
  hostsMatched: number;
  hostsChanged: number;
  hostsCompliant: number;
  hostsPendingReboot: number;
  hostsRefused: number;
  hostsUnknown: number;
  changes: number;
  reboots: number;
  vmsAffected: number;
  estimatedSeconds: number | null;
}

export interface PlanResult {
  hosts: HostPlan[];
  totals: PlanTotals;
}

interface Candidate<T> {
  policy: PlanPolicy;
  priority: number;
  value: T;
}

type Decision<T> = { ok: true; value: T; policy: string; overridden?: { policy: string; value: unknown }[] } | { ok: false; reason: string; policy: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The kernel arguments that ask for the IOMMU in passthrough mode (as the readiness chain asks). */
function iommuArgs(cpuVendor: string): string {
  return cpuVendor === 'AMD' ? 'amd_iommu=on iommu=pt' : 'intel_iommu=on iommu=pt';
}

function hasIommuArgs(cpuVendor: string, cmdline: string | null): boolean {
  const words = (cmdline ?? '').split(/\s+/);
  return iommuArgs(cpuVendor)
    .split(' ')
    .every((a) => words.includes(a));
}

/** The winner among policies asking for one setting (candidates in any order). */
export function decide<T>(candidates: Candidate<T>[]): Decision<T> {
  const sorted = [...candidates].sort((a, b) => b.priority - a.priority);
  const top = sorted[0]!;
  const rivals = sorted.filter((c) => c.priority === top.priority && !same(c.value, top.value));
  if (rivals.length > 0) {
    const names = [top, ...rivals].map((c) => `${c.policy.name} (${JSON.stringify(c.value)})`).join(' and ');
    return { ok: false, policy: top.policy.name, reason: `policies of the same priority ${top.priority} ask different values: ${names}` };
  }
  const overridden = sorted.filter((c) => c.priority < top.priority && !same(c.value, top.value)).map((c) => ({ policy: c.policy.name, value: c.value as unknown }));
  return { ok: true, value: top.value, policy: top.policy.name, ...(overridden.length ? { overridden } : {}) };
}

function ruleMatchesPf(rule: NicRule, pf: PlanPf, modelKey: string | null): boolean {
  const m = rule.match;
  if (m.nicModel) return modelKey === m.nicModel;
  if (m.pciIds) return `${pf.vendorId}:${pf.deviceId}`.toLowerCase() === m.pciIds;
  if (m.pfName) return pf.netdev !== null && matchesGlob(m.pfName, pf.netdev);
  return false;
}


/** "00:00:00:00:00:00 on 6 VFs, 52:54:00:12:34:56": a handful of MACs in a few words. */
function macsWords(macs: (string | null)[]): string {
  const counts = new Map<string, number>();
  for (const mac of macs) counts.set(mac ?? 'no MAC yet', (counts.get(mac ?? 'no MAC yet') ?? 0) + 1);
  if (counts.size > 3) return `${counts.size} different MACs`;
  return [...counts].map(([mac, n]) => (n > 1 ? `${mac} on ${n} VFs` : mac)).join(', ');
}

/** Policy VF default -> the VF's inventory column. */
export const VF_FIELDS = { trust: 'trust', spoofchk: 'spoofchk', linkState: 'linkState', maxTxRate: 'maxTxRateMbps' } as const;

export interface PlanOptions {
  durations: DurationStats;
}

/** One host against the policies that select it (in any order). */
export function planHost(host: PlanHost, policies: PlanPolicy[], options: PlanOptions): HostPlan {
  const matched = policies.filter((p) => matchesSelector(p.document.selector, host));
  const changes: PlanChange[] = [];
  const base: HostPlan = {
    hostId: host.id,
    hostName: host.name,
    model: host.model,
    generation: host.generation,
    status: 'compliant',
    policies: matched.map((p) => ({ id: p.id, name: p.name, version: p.version })),
    changes,
    reboot: { needed: false, why: [], vmsGoingDown: [] },
    staged: [],
    vmsLosingVfs: [],
    estimatedSeconds: 0,
  };
  if (matched.length === 0) return base;
  const agentOnline = host.agentStatus === 'online';
  const unknown: string[] = [];
  const staged = base.staged;

  // BIOS: each attribute decided on its own, then checked against this server's registry.
  const biosCandidates = new Map<string, Candidate<BiosValue>[]>();
  for (const policy of matched) {
    for (const [name, value] of Object.entries(biosFor(policy.document, host.cpuVendor))) {
      biosCandidates.set(name, [...(biosCandidates.get(name) ?? []), { policy, priority: policy.document.priority, value }]);
    }
  }
  if (biosCandidates.size > 0 && !host.biosValues) unknown.push('its BIOS has not been read through the iLO yet');
  if (biosCandidates.size > 0 && host.biosValues) {
    const values = host.biosValues;
    const nextBoot: Record<string, string> = {};
    for (const [name, [current, pending]] of Object.entries(values)) {
      const value = pending ?? current;
      if (value !== null && value !== undefined) nextBoot[name] = String(value);
    }
    const wanted: { name: string; decision: Decision<BiosValue> }[] = [...biosCandidates].map(([name, candidates]) => ({ name, decision: decide(candidates) }));
    const toSend: Record<string, BiosValue> = {};
    for (const { name, decision } of wanted) {
      const entry = values[name];
      const current = entry?.[0] ?? null;
      const pending = entry?.[1] ?? null;
      if (!decision.ok) {
        changes.push({ kind: 'bios', target: `BIOS ${name}`, from: current, to: null, needsReboot: true, status: 'refused', reason: decision.reason, policy: decision.policy, apply: { kind: 'set-bios', attributes: {} } });
        continue;
      }
      const want = String(decision.value);
      if (current !== null && String(current) === want && (pending === null || String(pending) === want)) continue;
      if (pending !== null && String(pending) === want) {
        staged.push({ attribute: name, value: want, policy: decision.policy });
        continue;
      }
      toSend[name] = decision.value;
      changes.push({
        kind: 'bios',
        target: `BIOS ${name}`,
        from: current,
        to: decision.value,
        needsReboot: true,
        status: 'planned',
        policy: decision.policy,
        ...(decision.overridden ? { overridden: decision.overridden } : {}),
        apply: { kind: 'set-bios', attributes: { [name]: want } },
      });
    }
    if (Object.keys(toSend).length > 0) {
      if (!host.registry) {
        for (const c of changes) if (c.kind === 'bios' && c.status === 'planned') Object.assign(c, { status: 'refused', reason: 'the BIOS attribute registry has not been read from the iLO yet' });
      } else {
        // Checked together: setting WorkloadProfile=Custom in the same policy lifts its locks.
        for (const issue of checkBiosChange(host.registry, nextBoot, toSend)) {
          const name = issue.path.replace(/^attributes\./, '');
          const change = changes.find((c) => c.kind === 'bios' && c.target === `BIOS ${name}`);
          if (change) Object.assign(change, { status: 'refused', reason: issue.message });
        }
      }
    }
  }

  // OS: the IOMMU kernel arguments (next boot) and vfio-pci now and at every boot.
  const osWanted = (key: 'iommuKernelArgs' | 'vfioAtBoot') => {
    const candidates = matched.flatMap((policy) => (policy.document.os?.[key] === true ? [{ policy, priority: policy.document.priority, value: true as const }] : []));
    return candidates.length ? decide(candidates) : null;
  };
  const argsDecision = osWanted('iommuKernelArgs');
  const vfioDecision = osWanted('vfioAtBoot');
  const agentProblem = host.agentStatus === 'never-seen' ? 'the agent has never reported' : 'the agent is offline';
  // What the agent would have told: said once ("…never reported, so its kernel arguments and its NICs are not known").
  const unreported: string[] = [];
  if ((argsDecision || vfioDecision) && !host.observedAt) unreported.push('its kernel arguments and modules');
  else {
    if (argsDecision?.ok && !hasIommuArgs(host.cpuVendor, host.kernelCmdline)) {
      const args = iommuArgs(host.cpuVendor);
      changes.push({
        kind: 'kernel-args',
        target: 'Kernel command line',
        from: host.kernelCmdline,
        to: `+ ${args}`,
        needsReboot: true,
        status: agentOnline ? 'planned' : 'refused',
        ...(agentOnline ? {} : { reason: `${agentProblem}: kernel arguments are set through it` }),
        policy: argsDecision.policy,
        apply: { kind: 'os-fix', fix: 'iommu-args' },
      });
    }
    if (vfioDecision?.ok && host.vfioPciLoaded !== true) {
      changes.push({
        kind: 'vfio-at-boot',
        target: 'vfio-pci module',
        from: 'not loaded',
        to: 'loaded now and at every boot',
        needsReboot: false,
        status: agentOnline ? 'planned' : 'refused',
        ...(agentOnline ? {} : { reason: `${agentProblem}: modules are loaded through it` }),
        policy: vfioDecision.policy,
        apply: { kind: 'os-fix', fix: 'vfio' },
      });
    }
  }

  // NICs: per PF, the first rule of each policy that matches it.
  const vmsLosing = new Map<string, string[]>();
  const nicRules = matched.some((p) => (p.document.nics?.length ?? 0) > 0);
  if (nicRules && !host.observedAt) unreported.push('its NICs');
  if (unreported.length) unknown.push(`its agent has never reported, so ${unreported.join(', and ')} are not known`);
  for (const pf of host.observedAt ? host.pfs : []) {
    const modelKey = nicModelKeyOf(pf.vendorId, pf.deviceId);
    const rules = matched.flatMap((policy) => {
      const rule = policy.document.nics?.find((r) => ruleMatchesPf(r, pf, modelKey));
      return rule ? [{ policy, rule }] : [];
    });
    if (rules.length === 0) continue;
    const offline = agentOnline ? null : `${agentProblem}: VFs are changed through it`;
    const limit = Math.min(pf.totalVfs, pf.firmwareMaxVfs ?? pf.totalVfs);

    const countCandidates = rules.flatMap(({ policy, rule }) => (rule.numVfs === undefined ? [] : [{ policy, priority: policy.document.priority, value: rule.numVfs === 'max' ? limit : rule.numVfs }]));
    let vfsAfter = pf.vfs;
    if (countCandidates.length) {
      const decision = decide(countCandidates);
      const want = decision.ok ? decision.value : null;
      if (!decision.ok || want !== pf.currentVfs) {
        const held = pf.vfs.filter((vf) => vf.vm);
        let status: ChangeStatus = 'planned';
        let reason: string | undefined;
        if (!decision.ok) [status, reason] = ['refused', decision.reason];
        else if (pf.totalVfs === 0) [status, reason] = ['refused', `${pf.pciAddress} has no SR-IOV capability (sriov_totalvfs is 0)`];
        else if (want! > pf.totalVfs) [status, reason] = ['refused', `the driver allows at most ${pf.totalVfs} VFs on ${pf.pciAddress} (sriov_totalvfs)`];
        else if (pf.firmwareMaxVfs !== null && want! > pf.firmwareMaxVfs) [status, reason] = ['refused', `the NIC firmware allows ${pf.firmwareMaxVfs} VFs (MaxVirtualFunctions); raise it in the adapter's firmware (SRIOV_EN / NUM_OF_VFS) first`];
        else if (offline) [status, reason] = ['refused', offline];
        else if (held.length > 0) {
          // The kernel changes a VF count only through 0: every VF of the PF goes, assigned ones included.
          status = 'blocked';
          reason = `VFs of ${pf.pciAddress} are assigned: ${held.map((vf) => `VF ${vf.index} to ${vf.vm!.name}`).join(', ')}; the change removes them`;
          for (const vf of held) vmsLosing.set(vf.vm!.name, [...(vmsLosing.get(vf.vm!.name) ?? []), `VF ${vf.index} of ${pf.pciAddress}`]);
        }
        changes.push({
          kind: 'vf-count',
          target: pf.pciAddress,
          from: pf.currentVfs,
          to: want,
          needsReboot: false,
          status,
          ...(reason ? { reason } : {}),
          policy: decision.policy,
          ...(decision.ok && decision.overridden ? { overridden: decision.overridden } : {}),
          apply: { kind: 'set-vf-count', pfId: pf.id, numVfs: want ?? pf.currentVfs },
        });
        if (decision.ok && status !== 'refused') {
          // The VFs there will be: new ones start with the driver's defaults.
          vfsAfter = Array.from({ length: want! }, (_, index) => ({ index, pciAddress: '', driver: pf.vfDriver, trust: false, spoofchk: true, linkState: 'auto', maxTxRateMbps: 0, mac: null, vm: null }));
        }
      }
    }

    // Driver and VF defaults apply to the VFs no VM holds: libvirt manages a held VF.
    const free = vfsAfter.filter((vf) => !vf.vm);
    const driverCandidates = rules.flatMap(({ policy, rule }) => (rule.driver ? [{ policy, priority: policy.document.priority, value: rule.driver }] : []));
    if (driverCandidates.length && free.length) {
      const decision = decide(driverCandidates);
      const target = decision.ok ? (decision.value === 'vfio-pci' ? 'vfio-pci' : pf.vfDriver) : null;
      const off = decision.ok ? free.filter((vf) => vf.driver !== target) : free;
      if (off.length) {
        changes.push({
          kind: 'vf-driver',
          target: `${pf.pciAddress} ${vfRange(off.map((v) => v.index))}`,
          from: [...new Set(off.map((v) => v.driver ?? 'none'))].join(', '),
          to: decision.ok ? (target ?? 'default') : null,
          needsReboot: false,
          status: !decision.ok || offline ? 'refused' : 'planned',
          ...(!decision.ok ? { reason: decision.reason } : offline ? { reason: offline } : {}),
          policy: decision.policy,
          ...(decision.ok && decision.overridden ? { overridden: decision.overridden } : {}),
          apply: { kind: 'bind-vf', pfId: pf.id, vfIndexes: off.map((v) => v.index), driver: decision.ok ? decision.value : 'default' },
        });
      }
    }
    for (const field of Object.keys(VF_FIELDS) as (keyof typeof VF_FIELDS)[]) {
      const candidates = rules.flatMap(({ policy, rule }) => (rule.vfDefaults?.[field] === undefined ? [] : [{ policy, priority: policy.document.priority, value: rule.vfDefaults[field] as unknown }]));
      if (!candidates.length || !free.length) continue;
      const decision = decide(candidates);
      const off = decision.ok ? free.filter((vf) => vf[VF_FIELDS[field]] !== decision.value) : free;
      if (!off.length) continue;
      changes.push({
        kind: 'vf-settings',
        target: `${pf.pciAddress} ${vfRange(off.map((v) => v.index))}`,
        from: { [field]: [...new Set(off.map((v) => v[VF_FIELDS[field]]))].join(', ') },
        to: decision.ok ? { [field]: decision.value } : null,
        needsReboot: false,
        status: !decision.ok || offline ? 'refused' : 'planned',
        ...(!decision.ok ? { reason: decision.reason } : offline ? { reason: offline } : {}),
        policy: decision.policy,
        ...(decision.ok && decision.overridden ? { overridden: decision.overridden } : {}),
        apply: { kind: 'set-vf', pfId: pf.id, vfIndexes: off.map((v) => v.index), settings: decision.ok ? ({ [field]: decision.value } as VfDefaults) : {} },
      });
    }

    // Stable MACs: each free VF its own from the ledger (a held VF's MAC is libvirt's, for its VM).
    const macCandidates = rules.flatMap(({ policy, rule }) => (rule.macs ? [{ policy, priority: policy.document.priority, value: rule.macs }] : []));
    if (macCandidates.length && free.length) {
      const decision = decide(macCandidates);
      const ledgerMac = (vf: { index: number }) => host.macs[`${pf.pciAddress}/${vf.index}`] ?? null;
      const off = free.filter((vf) => ledgerMac(vf) === null || vf.mac?.toLowerCase() !== ledgerMac(vf));
      if (off.length) {
        const known = off.filter((vf) => ledgerMac(vf) !== null).length;
        changes.push({
          kind: 'vf-mac',
          target: `${pf.pciAddress} ${vfRange(off.map((v) => v.index))}`,
          from: macsWords(off.map((vf) => vf.mac)),
          to: known === off.length ? macsWords(off.map(ledgerMac)) : `stable MACs (${off.length - known} to allocate in the fleet's ledger)`,
          needsReboot: false,
          status: offline ? 'refused' : 'planned',
          ...(offline ? { reason: offline } : {}),
          policy: decision.policy,
          apply: { kind: 'set-vf-macs', pfId: pf.id, vfIndexes: off.map((v) => v.index) },
        });
      }
    }
  }

  // What it costs: one reboot for everything that waits for one, the VMs it stops, the VFs VMs lose.
  const rebootChanges = changes.filter((c) => c.needsReboot && c.status === 'planned');
  const needed = rebootChanges.length > 0 || staged.length > 0;
  const running = host.vms.filter((vm) => vm.state === 'running').map((vm) => vm.name);
  base.reboot = {
    needed,
    why: [...rebootChanges.map((c) => (c.kind === 'bios' ? `${c.target.replace('BIOS ', '')} ${String(c.from)} → ${String(c.to)}` : `kernel arguments ${String(c.to)}`)), ...staged.map((s) => `staged ${s.attribute}=${s.value}`)],
    vmsGoingDown: needed ? running : [],
  };
  base.vmsLosingVfs = [...vmsLosing].map(([vm, vfs]) => ({ vm, vfs }));

  const estimate = estimateHost(host, changes, needed, options.durations);
  base.estimatedSeconds = estimate.seconds;
  if (estimate.note) base.estimateNote = estimate.note;

  if (unknown.length) {
    base.status = 'unknown';
    base.unknownReason = unknown.join('; ');
  } else if (changes.some((c) => c.status === 'refused')) base.status = 'refused';
  else if (changes.length > 0) base.status = 'changes';
  else if (staged.length > 0) base.status = 'pending-reboot';
  return base;
}

function estimateHost(host: PlanHost, changes: PlanChange[], reboot: boolean, durations: DurationStats): { seconds: number | null; note?: string } {
  const planned = changes.filter((c) => c.status !== 'refused');
  if (planned.length === 0 && !reboot) return { seconds: 0 };
  const missing = new Set<string>();
  let total = 0;
  const add = (kind: string, times = 1, model?: string) => {
    const median = (model ? durations.byModel[kind]?.[model] : undefined) ?? durations.byKind[kind];
    if (median === undefined) missing.add(kind);
    else total += median * times;
  };
  if (planned.some((c) => c.kind === 'bios')) add('set-bios');
  if (planned.some((c) => c.kind === 'kernel-args')) add('os-fix');
  if (planned.some((c) => c.kind === 'vfio-at-boot')) add('os-fix');
  if (reboot) add('reset-host', 1, host.model);
  // VF settings and drivers go as one operation per PF (lib/rollouts/steps.ts); history from
  // before that knows only one operation per VF.
  const batches = { 'set-vf': new Map<string, Set<number>>(), 'bind-vf': new Map<string, Set<number>>() };
  for (const c of planned) {
    if (c.apply.kind === 'set-vf-count') add('set-vf-count');
    if (c.apply.kind === 'bind-vf' || c.apply.kind === 'set-vf' || c.apply.kind === 'set-vf-macs') {
      const pfs = batches[c.apply.kind === 'bind-vf' ? 'bind-vf' : 'set-vf'];
      const vfs = pfs.get(c.apply.pfId) ?? new Set<number>();
      for (const i of c.apply.vfIndexes) vfs.add(i);
      pfs.set(c.apply.pfId, vfs);
    }
  }
  for (const [single, pfs] of Object.entries(batches)) {
    if (pfs.size === 0) continue;
    const batch = `${single}s`;
    if (durations.byKind[batch] !== undefined || durations.byKind[single] === undefined) add(batch, pfs.size);
    else add(single, [...pfs.values()].reduce((n, vfs) => n + vfs.size, 0));
  }
  if (missing.size > 0) return { seconds: null, note: `no past ${[...missing].join(', ')} operation to go by` };
  return { seconds: Math.round(total) };
}

/**
 * What host plans add up to, one host at a time: a plan over thousands of hosts need not keep
 * them all to count them. Each host is added once (VMs are counted per host).
 */
export function planTally() {
  const t: PlanTotals = { hostsMatched: 0, hostsChanged: 0, hostsCompliant: 0, hostsPendingReboot: 0, hostsRefused: 0, hostsUnknown: 0, changes: 0, reboots: 0, vmsAffected: 0, estimatedSeconds: 0 };
  const byStatus = { changes: 'hostsChanged', compliant: 'hostsCompliant', 'pending-reboot': 'hostsPendingReboot', refused: 'hostsRefused', unknown: 'hostsUnknown' } as const satisfies Record<HostPlanStatus, keyof PlanTotals>;
  return {
    add(h: HostPlan): void {
      t.hostsMatched++;
      t[byStatus[h.status]]++;
      t.changes += h.changes.length;
      if (h.reboot.needed) t.reboots++;
      t.vmsAffected += new Set([...h.reboot.vmsGoingDown, ...h.vmsLosingVfs.map((v) => v.vm)]).size;
      t.estimatedSeconds = t.estimatedSeconds === null || h.estimatedSeconds === null ? null : t.estimatedSeconds + h.estimatedSeconds;
    },
    totals: (): PlanTotals => ({ ...t }),
  };
}

/** What a list of host plans adds up to. */
export function planTotals(results: HostPlan[]): PlanTotals {
  const tally = planTally();
  for (const h of results) tally.add(h);
  return tally.totals();
}

/** Every host against the policies; hosts no policy selects are left out. */
export function computePlan(hosts: PlanHost[], policies: PlanPolicy[], options: PlanOptions): PlanResult {
  const results = hosts.map((h) => planHost(h, policies, options)).filter((h) => h.policies.length > 0);
  return { hosts: results, totals: planTotals(results) };
}
