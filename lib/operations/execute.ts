// What each kind of operation does to the host: through its agent for VFs and the OS, through its
// iLO for BIOS and power. Every executor reads the result back (a sync of the host) before it
// reports success, so "assigned to vm-x" on the page is what the agent reports, not what we asked.

import 'server-only';
import { BiosChangeError, BiosLockedError, powerOn, readPower, RedfishError, resetServer, setBios, withIlo } from '@/agent/src/redfish';
import { agentClientFor, iloTargetFor } from '@/lib/agents/access';
import { iloMessageLine } from '@/lib/ilo/messages';
import { AgentCallError, type AgentClient } from '@/lib/agents/client';
import { prisma } from '@/lib/db/client';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { iloOptions, refreshBios } from '@/lib/sync/ilo-state';
import { syncHost } from '@/lib/sync/sync-host';
import { describeOperation, parseParams, vfsLabel, type OperationKind, type OperationParams } from './kinds';

/** A failure with the words to show; `transient` ones are retried with backoff. */
export class OperationFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'OperationFailure';
  }
}

export interface ExecutionContext<K extends OperationKind> {
  operationId: string;
  hostId: string;
  targetId: string;
  params: OperationParams[K];
  requestedBy: string;
  progress(text: string): Promise<void>;
  /** Keeps what a resumed attempt needs (the reset's boot id before) in the row's params. */
  saveParams(params: OperationParams[K]): Promise<void>;
  /**
   * Only waiting (a host booting): the operation gives its worker slot to others meanwhile, and on
   * `false` waits for a slot again. It keeps its lane: nothing else runs on that host.
   */
  waiting(on: boolean): Promise<void>;
  timing: ExecutionTiming;
}

export interface ExecutionTiming {
  /** How long a reset may take before the host counts as not coming back. */
  resetTimeoutMs: number;
  /** Pause between checks while waiting for a host. */
  pollMs: number;
}

export interface ExecutionResult {
  result: unknown;
  after: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Agent and iLO errors in the operator's words, sorted into "try again" and "final". */
export function classify(error: unknown): OperationFailure {
  if (error instanceof OperationFailure) return error;
  if (isDatabaseUnavailable(error)) return new OperationFailure('The inventory database was busy; trying again.', true);
  if (error instanceof AgentCallError) {
    const errno = error.errno ? ` (${error.errno})` : '';
    return new OperationFailure(`Agent: ${error.message}${errno}`, error.transient);
  }
  if (error instanceof BiosChangeError || error instanceof BiosLockedError) return new OperationFailure(`iLO: ${error.message}`, false);
  if (error instanceof RedfishError) {
    const transient = ['unreachable', 'timeout', 'busy', 'session-limit'].includes(error.code);
    return new OperationFailure(`iLO: ${error.message}`, transient);
  }
  return new OperationFailure(error instanceof Error ? error.message : String(error), false);
}

async function syncOrFail(hostId: string): Promise<void> {
  const outcome = await syncHost(hostId, { readPowerWhenDown: false });
  if (!outcome.ok) throw new OperationFailure(`The change was made but reading the host back failed: ${outcome.error}`, true);
}

async function vfRow(hostId: string, vfAddress: string) {
  return prisma.virtualFunction.findUnique({
    where: { hostId_pciAddress: { hostId, pciAddress: vfAddress } },
    select: { id: true, driver: true, mac: true, vlan: true, trust: true, spoofchk: true, assignment: { select: { vm: { select: { name: true } } } } },
  });
}

const vfAfter = (vf: Awaited<ReturnType<typeof vfRow>>) =>
  vf ? { driver: vf.driver, mac: vf.mac, vlan: vf.vlan, trust: vf.trust, spoofchk: vf.spoofchk, vm: vf.assignment?.vm.name ?? null } : null;

type Executor<K extends OperationKind> = (ctx: ExecutionContext<K>, agent: () => Promise<AgentClient>) => Promise<ExecutionResult>;

const setVfCount: Executor<'set-vf-count'> = async (ctx, agent) => {
  const { pfAddress, numVfs } = ctx.params;
  await ctx.progress(`Asking the agent to set ${pfAddress} to ${numVfs} VFs`);
  const change = await (await agent()).setNumVfs(pfAddress, numVfs);
  await prisma.physicalFunction.update({ where: { id: ctx.targetId }, data: { desiredVfs: numVfs } });
  await ctx.progress('Reading the host back');
  await syncOrFail(ctx.hostId);
  const pf = await prisma.physicalFunction.findUnique({ where: { id: ctx.targetId }, select: { currentVfs: true } });
  if (pf?.currentVfs !== numVfs) throw new OperationFailure(`The agent reported success but the host shows ${pf?.currentVfs ?? 'no'} VFs on ${pfAddress}.`, false);
  return { result: { changed: change.changed, steps: change.steps }, after: { currentVfs: pf.currentVfs, desiredVfs: numVfs } };
};

const setVf: Executor<'set-vf'> = async (ctx, agent) => {
  const { vfAddress, settings } = ctx.params;
  await ctx.progress(`Setting ${vfAddress}`);
  const change = await (await agent()).setVf(vfAddress, settings);
  await prisma.virtualFunction.update({ where: { id: ctx.targetId }, data: desiredColumns(settings) });
  await syncOrFail(ctx.hostId);
  return { result: { changed: change.changed, steps: change.steps }, after: vfAfter(await vfRow(ctx.hostId, vfAddress)) };
};

/** What a VF setting asks for, as the inventory's desired columns. */
function desiredColumns(settings: OperationParams['set-vf']['settings']) {
  return {
    ...(settings.mac !== undefined ? { desiredMac: settings.mac } : {}),
    ...(settings.vlan !== undefined ? { desiredVlan: settings.vlan } : {}),
    ...(settings.qos !== undefined ? { desiredQos: settings.qos } : {}),
    ...(settings.trust !== undefined ? { desiredTrust: settings.trust } : {}),
    ...(settings.spoofchk !== undefined ? { desiredSpoofchk: settings.spoofchk } : {}),
    ...(settings.linkState !== undefined ? { desiredLinkState: settings.linkState } : {}),
    ...(settings.maxTxRate !== undefined ? { desiredMaxTxRateMbps: settings.maxTxRate } : {}),
  };
}

/**
 * Each VF of the batch in turn, then one read-back of the host for all of them (a read-back per VF
 * is what made a policy's VF defaults cost a sync per VF). What was set is recorded as desired
 * state in a few writes (`record`), also when a VF the agent refuses ends the operation failed,
 * naming it and the VFs already set; a retry sets them again (idempotent).
 */
async function eachVf<T extends { index: number; vfAddress: string }>(
  ctx: ExecutionContext<'set-vfs' | 'bind-vfs'>,
  vfs: readonly T[],
  apply: (vf: T) => Promise<{ changed: boolean }>,
  record: (done: T[]) => Promise<void>,
): Promise<{ changed: number[] }> {
  const changed: number[] = [];
  const done: T[] = [];
  await ctx.progress(`Setting ${vfsLabel(vfs.map((v) => v.index), ctx.params.pfAddress)}`);
  for (const vf of vfs) {
    try {
      if ((await apply(vf)).changed) changed.push(vf.index);
      done.push(vf);
    } catch (error) {
      const failure = classify(error);
      if (done.length) await record(done);
      const already = done.length ? `; ${vfsLabel(done.map((v) => v.index), ctx.params.pfAddress)} ${done.length === 1 ? 'was' : 'were'} set` : '';
      throw new OperationFailure(`VF ${vf.index}: ${failure.message}${already}`, failure.transient);
    }
  }
  await record(done);
  await ctx.progress('Reading the host back');
  await syncOrFail(ctx.hostId);
  return { changed };
}

async function pfVfsAfter(pfId: string, indexes: number[]) {
  const rows = await prisma.virtualFunction.findMany({
    where: { pfId, index: { in: indexes } },
    orderBy: { index: 'asc' },
    select: { index: true, driver: true, mac: true, vlan: true, trust: true, spoofchk: true, assignment: { select: { vm: { select: { name: true } } } } },
  });
  return Object.fromEntries(rows.map((vf) => [vf.index, { driver: vf.driver, mac: vf.mac, vlan: vf.vlan, trust: vf.trust, spoofchk: vf.spoofchk, vm: vf.assignment?.vm.name ?? null }]));
}

const setVfs: Executor<'set-vfs'> = async (ctx, agent) => {
  const client = await agent();
  const { changed } = await eachVf(
    ctx,
    ctx.params.vfs,
    (vf) => client.setVf(vf.vfAddress, vf.settings),
    async (done) => {
      // One write per distinct set of settings (a policy's defaults are the same for every VF).
      const groups = new Map<string, { settings: (typeof done)[number]['settings']; indexes: number[] }>();
      for (const vf of done) {
        const key = JSON.stringify(vf.settings);
        const group = groups.get(key) ?? { settings: vf.settings, indexes: [] };
        group.indexes.push(vf.index);
        groups.set(key, group);
      }
      for (const group of groups.values()) await prisma.virtualFunction.updateMany({ where: { pfId: ctx.targetId, index: { in: group.indexes } }, data: desiredColumns(group.settings) });
    },
  );
  return { result: { changed }, after: await pfVfsAfter(ctx.targetId, ctx.params.vfs.map((v) => v.index)) };
};

const bindVfs: Executor<'bind-vfs'> = async (ctx, agent) => {
  const client = await agent();
  const { driver } = ctx.params;
  const { changed } = await eachVf(
    ctx,
    ctx.params.vfs,
    (vf) => client.bind(vf.vfAddress, driver),
    async (done) => void (await prisma.virtualFunction.updateMany({ where: { pfId: ctx.targetId, index: { in: done.map((v) => v.index) } }, data: { desiredDriver: driver === 'vfio-pci' ? 'vfio-pci' : null } })),
  );
  return { result: { changed }, after: await pfVfsAfter(ctx.targetId, ctx.params.vfs.map((v) => v.index)) };
};

const bindVf: Executor<'bind-vf'> = async (ctx, agent) => {
  const { vfAddress, driver } = ctx.params;
  await ctx.progress(`Binding ${vfAddress} to ${driver === 'default' ? 'its default driver' : 'vfio-pci'}`);
  const change = await (await agent()).bind(vfAddress, driver);
  await prisma.virtualFunction.update({ where: { id: ctx.targetId }, data: { desiredDriver: driver === 'vfio-pci' ? 'vfio-pci' : null } });
  await syncOrFail(ctx.hostId);
  return { result: { changed: change.changed, steps: change.steps }, after: vfAfter(await vfRow(ctx.hostId, vfAddress)) };
};

const assignVf: Executor<'assign-vf'> = async (ctx, agent) => {
  const { vfAddress, vmName, mac, vlan } = ctx.params;
  if (mac) {
    // Set on the VF through its PF first: the agent keeps it as desired state and sets it again
    // after every reboot (libvirt sets the same MAC for the VM, and puts it back on release).
    await ctx.progress(`Setting MAC ${mac} on ${vfAddress}`);
    await (await agent()).setVf(vfAddress, { mac });
    await prisma.virtualFunction.update({ where: { id: ctx.targetId }, data: { desiredMac: mac } });
  }
  await ctx.progress(`Attaching ${vfAddress} to ${vmName}`);
  const change = await (await agent()).attach(vmName, { vf: vfAddress, ...(mac !== undefined ? { mac } : {}), ...(vlan !== undefined ? { vlan } : {}) });
  await ctx.progress('Reading the assignment back from the agent');
  await syncOrFail(ctx.hostId);
  const vf = await vfRow(ctx.hostId, vfAddress);
  if (vf?.assignment?.vm.name !== vmName) {
    throw new OperationFailure(`The agent attached ${vfAddress} but its inventory shows it ${vf?.assignment ? `held by ${vf.assignment.vm.name}` : 'free'}.`, false);
  }
  // The assignment is ours: who asked, and the MAC/VLAN libvirt sets (desired state, not drift).
  await prisma.assignment.update({
    where: { vfId: vf.id },
    data: { assignedBy: ctx.requestedBy, assignedAt: new Date(), mac: mac ?? vf.mac, vlan: vlan ?? vf.vlan },
  });
  return { result: { changed: change.changed, steps: change.steps }, after: vfAfter(await vfRow(ctx.hostId, vfAddress)) };
};

const releaseVf: Executor<'release-vf'> = async (ctx, agent) => {
  const { vfAddress, vmName } = ctx.params;
  await ctx.progress(`Detaching ${vfAddress} from ${vmName}`);
  const change = await (await agent()).detach(vmName, vfAddress);
  await syncOrFail(ctx.hostId);
  const vf = await vfRow(ctx.hostId, vfAddress);
  if (vf?.assignment) throw new OperationFailure(`The agent detached ${vfAddress} but its inventory still shows it held by ${vf.assignment.vm.name}.`, false);
  return { result: { changed: change.changed, steps: change.steps }, after: vfAfter(vf) };
};

const setBiosOp: Executor<'set-bios'> = async (ctx) => {
  const target = await iloTargetFor(ctx.hostId);
  await ctx.progress('Sending the BIOS settings to the iLO');
  const change = await withIlo(iloOptions(target), (client) => setBios(client, ctx.params.attributes));
  for (const [name, value] of Object.entries(ctx.params.attributes)) {
    await prisma.biosSetting.upsert({ where: { hostId_name: { hostId: ctx.hostId, name } }, create: { hostId: ctx.hostId, name, desired: value }, update: { desired: value } });
  }
  await ctx.progress('Reading the BIOS back');
  const facts = await refreshBios(ctx.hostId);
  const after = Object.fromEntries(facts.bios.filter((b) => b.name in ctx.params.attributes).map((b) => [b.name, { current: b.current, pending: b.pending }]));
  return { result: { sent: change.sent, unchanged: change.unchanged, alreadyForced: change.alreadyForced, resetRequired: change.resetRequired }, after };
};

async function bootIdNow(agent: () => Promise<AgentClient>): Promise<string | null> {
  try {
    return (await (await agent()).health()).bootId;
  } catch {
    return null;
  }
}

/** Waits for the agent to answer with a boot id other than `before` (any boot id when `before` is null). */
async function waitForBoot(ctx: ExecutionContext<'reset-host' | 'power-on'>, agent: () => Promise<AgentClient>, before: string | null, startedAt: number): Promise<string> {
  await ctx.waiting(true);
  try {
    return await pollForBoot(ctx, agent, before, startedAt);
  } finally {
    await ctx.waiting(false);
  }
}

async function pollForBoot(ctx: ExecutionContext<'reset-host' | 'power-on'>, agent: () => Promise<AgentClient>, before: string | null, startedAt: number): Promise<string> {
  let markedDown = false;
  for (;;) {
    const bootId = await bootIdNow(agent);
    if (bootId !== null && bootId !== before) return bootId;
    if (bootId === null && !markedDown) {
      markedDown = true;
      await syncHost(ctx.hostId, { readPowerWhenDown: false }).catch(() => undefined);
      await ctx.progress('The host is restarting: its agent is gone; waiting for it to come back');
    }
    if (Date.now() - startedAt > ctx.timing.resetTimeoutMs) {
      throw new OperationFailure(`The host did not come back within ${Math.round(ctx.timing.resetTimeoutMs / 60_000)} minutes of the ${before === null ? 'power on' : 'reset'} (its agent has not answered with a new boot). Check the server's console through the iLO.`, false);
    }
    await sleep(ctx.timing.pollMs);
  }
}

async function checkAfterBoot(ctx: ExecutionContext<'reset-host' | 'power-on'>): Promise<{ bios: unknown; vfs: unknown }> {
  // The host is back: its rows follow its agent first, whatever the checks below find.
  await ctx.progress('The host is back; reading it from its agent and the BIOS through the iLO');
  await syncOrFail(ctx.hostId);
  const facts = await refreshBios(ctx.hostId);
  const rejected = facts.lastApply.messages.filter((m) => m.severity !== 'OK');
  if (rejected.length > 0) {
    throw new OperationFailure(`The host restarted but the iLO rejected BIOS settings: ${rejected.map((m) => `${iloMessageLine(m)} (${m.messageId})`).join('; ')}.`, false);
  }
  const stillPending = facts.bios.filter((b) => b.pending !== null && b.pending !== b.current);
  if (stillPending.length > 0) {
    throw new OperationFailure(`The host restarted but BIOS settings are still pending: ${stillPending.map((b) => `${b.name}=${b.pending} (current ${b.current})`).join(', ')}.`, false);
  }
  await ctx.progress('Checking that the agent re-applied the desired VFs');
  const pfs = await prisma.physicalFunction.findMany({ where: { hostId: ctx.hostId, desiredVfs: { not: null } }, select: { pciAddress: true, desiredVfs: true, currentVfs: true } });
  const missing = pfs.filter((pf) => pf.currentVfs !== pf.desiredVfs);
  if (missing.length > 0) {
    throw new OperationFailure(`The host restarted but the desired VFs are not back: ${missing.map((pf) => `${pf.pciAddress} has ${pf.currentVfs} of ${pf.desiredVfs}`).join(', ')}.`, false);
  }
  return { bios: Object.fromEntries(facts.bios.map((b) => [b.name, b.current])), vfs: Object.fromEntries(pfs.map((pf) => [pf.pciAddress, pf.currentVfs])) };
}

/** A reset queued with the changes it applies goes ahead only if they all succeeded: else it would apply nothing, or half. */
async function checkEarlierChanges(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const earlier = await prisma.operation.findMany({ where: { id: { in: [...ids] } }, select: { kind: true, params: true, status: true, host: { select: { name: true } } } });
  const words = (op: (typeof earlier)[number]) => `“${describeOperation(op.kind, parseParams(op.params), op.host?.name ?? null).summary}”`;
  const failed = earlier.filter((op) => op.status === 'failed');
  if (failed.length > 0) throw new OperationFailure(`Not rebooted: ${failed.map(words).join(' and ')} failed, so the reboot would not apply the fix.`, false);
  // The lane runs them first; one still going means it is being retried.
  const unfinished = earlier.filter((op) => op.status !== 'succeeded');
  if (unfinished.length > 0) throw new OperationFailure(`Waiting for ${unfinished.map(words).join(' and ')} before rebooting.`, true);
}

/** How long a resumed reset looks for signs that the reset it may have sent went out. */
const RESET_EVIDENCE_MS = 2 * 60_000;

/** Whether the host went away or came back with a new boot id within `withinMs`. */
async function hostRestarted(ctx: ExecutionContext<'reset-host'>, agent: () => Promise<AgentClient>, before: string | null, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  // Only waiting, like a boot: the slot goes to others meanwhile.
  await ctx.waiting(true);
  try {
    for (;;) {
      const bootId = await bootIdNow(agent);
      if (bootId === null || bootId !== before) return true;
      if (Date.now() > deadline) return false;
      await sleep(ctx.timing.pollMs);
    }
  } finally {
    await ctx.waiting(false);
  }
}

const resetHost: Executor<'reset-host'> = async (ctx, agent) => {
  let params = ctx.params;
  if (params.stage === 'sending') {
    // The server stopped while it asked the iLO: the reset may or may not have gone out. Never a
    // second one on a guess: it went out if the host goes away or reboots; else the operator decides.
    await ctx.progress('Resuming: checking whether the reset reached the host');
    const within = Math.min(RESET_EVIDENCE_MS, ctx.timing.resetTimeoutMs);
    if (!(await hostRestarted(ctx, agent, params.bootIdBefore ?? null, within))) {
      throw new OperationFailure(
        `The server stopped while it asked the iLO for the reset, and the host has not restarted in the ${Math.round(within / 1000)} s since: the reset most likely did not go out. It is not sent again on a guess (a second reset could cut the first one short); reset the host again if it still needs it.`,
        false,
      );
    }
    params = { ...params, stage: 'sent' };
    await ctx.saveParams(params);
  }
  if (params.stage !== 'sent') {
    await checkEarlierChanges(params.after ?? []);
    const bootIdBefore = (await bootIdNow(agent)) ?? (await prisma.host.findUnique({ where: { id: ctx.hostId }, select: { bootId: true } }))?.bootId ?? null;
    await ctx.progress(`Asking the iLO for a ${params.resetType === 'ForceRestart' ? 'forced' : 'graceful'} restart`);
    const target = await iloTargetFor(ctx.hostId);
    let sent: Awaited<ReturnType<typeof resetServer>>;
    try {
      sent = await withIlo(iloOptions(target), async (client) => {
        // Kept in the row before and after the request: a server restart resumes waiting (or
        // checks whether the reset went out) instead of resetting twice. Written once the iLO
        // session is open, so the window in which a restart cannot tell is the request alone.
        params = { ...params, stage: 'sending', bootIdBefore, sentAt: new Date().toISOString() };
        await ctx.saveParams(params);
        return resetServer(client, params.resetType);
      });
    } catch (error) {
      // The iLO refused or could not be reached: nothing went out, so a retry asks again.
      const { stage: _stage, ...unsent } = params;
      await ctx.saveParams(unsent);
      throw error;
    }
    params = { ...params, stage: 'sent', resetType: sent.resetType };
    await ctx.saveParams(params);
  }
  const startedAt = params.sentAt ? Date.parse(params.sentAt) : Date.now();
  await ctx.progress('Waiting for the host to restart');
  const bootIdAfter = await waitForBoot(ctx, agent, params.bootIdBefore ?? null, startedAt);
  const checked = await checkAfterBoot(ctx);
  return { result: { resetType: params.resetType, bootIdBefore: params.bootIdBefore ?? null, bootIdAfter }, after: { bootId: bootIdAfter, ...checked } };
};

const powerOnHost: Executor<'power-on'> = async (ctx, agent) => {
  const target = await iloTargetFor(ctx.hostId);
  const power = await withIlo(iloOptions(target), (client) => readPower(client));
  if (power.powerState !== 'On') {
    await ctx.progress('Asking the iLO to power the server on');
    await withIlo(iloOptions(target), (client) => powerOn(client));
  }
  await prisma.host.update({ where: { id: ctx.hostId }, data: { powerState: 'On' } });
  await ctx.progress('Waiting for the host to boot and its agent to answer');
  const bootId = await waitForBoot(ctx, agent, null, Date.now());
  const checked = await checkAfterBoot(ctx);
  return { result: { bootId }, after: { powerState: 'On', ...checked } };
};

const osFix: Executor<'os-fix'> = async (ctx, agent) => {
  await ctx.progress(ctx.params.fix === 'iommu-args' ? 'Adding the IOMMU arguments with grubby' : 'Loading vfio-pci and listing it in modules-load.d');
  const fixed = await (await agent()).osFix(ctx.params.fix);
  await syncOrFail(ctx.hostId);
  const host = await prisma.host.findUnique({ where: { id: ctx.hostId }, select: { kernelCmdline: true, vfioPciLoaded: true } });
  return { result: fixed, after: { ...host, rebootNeeded: fixed.rebootNeeded } };
};

const EXECUTORS: { [K in OperationKind]: Executor<K> } = {
  'set-vf-count': setVfCount,
  'set-vf': setVf,
  'bind-vf': bindVf,
  'set-vfs': setVfs,
  'bind-vfs': bindVfs,
  'assign-vf': assignVf,
  'release-vf': releaseVf,
  'set-bios': setBiosOp,
  'reset-host': resetHost,
  'power-on': powerOnHost,
  'os-fix': osFix,
};

export function execute<K extends OperationKind>(kind: K, ctx: ExecutionContext<K>): Promise<ExecutionResult> {
  let client: AgentClient | null = null;
  const agent = async () => (client ??= await agentClientFor(ctx.hostId));
  return (EXECUTORS[kind] as Executor<K>)(ctx, agent);
}
