// BIOS settings through the iLO: read current and pending values, change them safely.
// Changes become pending and apply only when the server resets (see power.ts).

import type { RedfishClient } from './client';
import { BiosChangeError, BiosChangeNotRecordedError, BiosLockedError, IloRefusedError, IloUnsupportedError, type RedfishMessage } from './errors';
import {
  biosAttributes,
  biosLink,
  biosSettingsBody,
  describeMessage,
  isFailureMessage,
  settingsLink,
  settingsMessages,
  type IloGeneration,
} from './oem/hpe';
import { checkAgainstRegistry, coerceBiosValue, findLocks, type AttributeDefinition, type AttributeLock, type AttributeRegistry, type BiosValue } from './registry';
import type { RegistryDependency } from './resources';
import { loadAttributeRegistry, loadSystem } from './system';

/** The attributes the SR-IOV readiness chain depends on (SRIOV-FACTS.md section 5). */
export const VIRTUALIZATION_ATTRIBUTES = ['Sriov', 'IntelProcVtd', 'ProcVirtualization', 'ProcAmdIoVt', 'AmdDmaRemapping'] as const;
export type VirtualizationAttribute = (typeof VIRTUALIZATION_ATTRIBUTES)[number];

export interface AttributeState {
  /** Applied value; null when this server has no such attribute (IntelProcVtd on AMD). */
  current: string | null;
  /** Value waiting for the next reset; null when nothing is pending for it. */
  pending: string | null;
}

export interface RejectedSetting {
  attribute: string | null;
  messageId: string;
  reason: string;
}

export interface BiosReport {
  iloGeneration: IloGeneration | null;
  iloFirmware: string | null;
  model: string | null;
  serialNumber: string | null;
  biosVersion: string | null;
  powerState: string | null;
  cpuVendor: 'intel' | 'amd' | null;
  attributes: Record<VirtualizationAttribute, AttributeState>;
  workloadProfile: AttributeState;
  /** Any attribute, tracked or not, waits for a reset. */
  resetPending: boolean;
  /** Every pending change, including attributes not tracked above. */
  pendingChanges: Record<string, { current: unknown; pending: unknown }>;
  /** Every attribute this BIOS has: [current, pending or null]. */
  values: Record<string, [BiosScalar, BiosScalar]>;
  /** The result of the last time the BIOS applied settings: rejected values are kept here. */
  lastApply: { time: string | null; messages: RedfishMessage[]; rejected: RejectedSetting[] };
  /** Tracked attributes a workload profile (or another setting) forces, under current + pending values. */
  locks: AttributeLock[];
  /**
   * With `includeRegistry`: the registry's definitions of the attributes this server has (an
   * attribute in the registry but not among the server's is not settable here), and the
   * registry's dependencies. null when the iLO names no registry.
   */
  registry?: RegistryDigest | null;
}

/** The attribute registry in plain JSON, limited to what one server has: what a dashboard keeps per host. */
export interface RegistryDigest {
  id: string | null;
  biosVersion: string | null;
  attributes: AttributeDefinition[];
  /** null: the registry carries none (iLO 4); HPE's known workload-profile locks apply. */
  dependencies: RegistryDependency[] | null;
}

export function registryDigest(registry: AttributeRegistry, present: Readonly<Record<string, unknown>>, biosVersion: string | null): RegistryDigest {
  return {
    id: registry.id,
    biosVersion,
    attributes: [...registry.attributes.values()].filter((a) => Object.hasOwn(present, a.name)),
    dependencies: registry.dependencies,
  };
}

/** Back from JSON: a registry the checks in registry.ts take. */
export function registryFromDigest(digest: RegistryDigest): AttributeRegistry {
  return { id: digest.id, attributes: new Map(digest.attributes.map((a) => [a.name, a])), dependencies: digest.dependencies };
}

export type BiosScalar = string | number | boolean | null;

function scalar(value: unknown): BiosScalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : value === undefined || value === null ? null : JSON.stringify(value);
}

function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : value === undefined || value === null ? null : JSON.stringify(value);
}

function rejectedSettings(messages: readonly RedfishMessage[]): RejectedSetting[] {
  return messages.filter(isFailureMessage).map((m) => {
    const related = m.relatedProperties.find((p) => p.includes('/'));
    const attribute = related ? (related.split('/').pop() ?? null) : (m.args[1] ?? m.args[0] ?? null);
    return { attribute, messageId: m.messageId, reason: describeMessage(m) };
  });
}

interface BiosDocuments {
  generation: IloGeneration | null;
  iloFirmware: string | null;
  system: Awaited<ReturnType<typeof loadSystem>>['system'];
  bios: unknown;
  current: Record<string, unknown>;
  settingsUri: string | null;
  /** Full settings object: current values with pending ones over them. */
  settings: Record<string, unknown>;
  settingsEtag: string | null;
  registryName: string | undefined;
}

async function loadBios(client: RedfishClient): Promise<BiosDocuments> {
  const { generation, iloFirmware, system } = await loadSystem(client);
  const biosUri = biosLink(system);
  if (!biosUri) throw new IloUnsupportedError(`The iLO at ${client.url.host} does not link the BIOS from its computer system`);
  const bios = (await client.get(biosUri)).body;
  const current = biosAttributes(bios, generation);
  const settingsUri = settingsLink(bios) ?? null;
  let settings: Record<string, unknown> = { ...current };
  let settingsEtag: string | null = null;
  if (settingsUri) {
    const response = await client.get(settingsUri);
    settings = { ...current, ...biosAttributes(response.body, generation) };
    settingsEtag = response.etag;
  }
  const registryName = (bios as { AttributeRegistry?: unknown } | null)?.AttributeRegistry;
  return {
    generation,
    iloFirmware,
    system,
    bios,
    current,
    settingsUri,
    settings,
    settingsEtag,
    registryName: typeof registryName === 'string' ? registryName : undefined,
  };
}

function pendingChanges(docs: BiosDocuments): Record<string, { current: unknown; pending: unknown }> {
  const changes: Record<string, { current: unknown; pending: unknown }> = {};
  for (const [name, value] of Object.entries(docs.settings)) {
    if (JSON.stringify(docs.current[name]) !== JSON.stringify(value)) changes[name] = { current: docs.current[name] ?? null, pending: value };
  }
  return changes;
}

function stateOf(docs: BiosDocuments, changes: Record<string, unknown>, name: string): AttributeState {
  return { current: asString(docs.current[name]), pending: name in changes ? asString(docs.settings[name]) : null };
}

export interface ReadBiosOptions {
  /** Read the attribute registry to evaluate locks from its Dependencies (slower on a real iLO). */
  useRegistry?: boolean;
  /** Also return the registry (implies useRegistry): the dashboard validates changes against it. */
  includeRegistry?: boolean;
}

export async function readBios(client: RedfishClient, options: ReadBiosOptions = {}): Promise<BiosReport> {
  const docs = await loadBios(client);
  const changes = pendingChanges(docs);
  const registry = options.useRegistry || options.includeRegistry ? await loadAttributeRegistry(client, docs.registryName) : null;
  const attributes = Object.fromEntries(VIRTUALIZATION_ATTRIBUTES.map((name) => [name, stateOf(docs, changes, name)])) as Record<VirtualizationAttribute, AttributeState>;
  const applied = settingsMessages(docs.bios);
  const tracked = new Set<string>(VIRTUALIZATION_ATTRIBUTES);
  const locks = [...findLocks(docs.settings, registry).values()].filter((lock) => tracked.has(lock.attribute));
  return {
    iloGeneration: docs.generation,
    iloFirmware: docs.iloFirmware,
    model: docs.system.Model ?? null,
    serialNumber: docs.system.SerialNumber ?? null,
    biosVersion: docs.system.BiosVersion ?? null,
    powerState: docs.system.PowerState ?? null,
    cpuVendor: 'IntelProcVtd' in docs.current ? 'intel' : 'ProcAmdIoVt' in docs.current ? 'amd' : null,
    attributes,
    workloadProfile: stateOf(docs, changes, 'WorkloadProfile'),
    resetPending: Object.keys(changes).length > 0,
    pendingChanges: changes,
    values: Object.fromEntries(Object.keys({ ...docs.current, ...docs.settings }).map((name) => [name, [scalar(docs.current[name]), name in changes ? scalar(docs.settings[name]) : null]])),
    lastApply: { time: applied.time, messages: applied.messages, rejected: rejectedSettings(applied.messages) },
    locks,
    ...(options.includeRegistry ? { registry: registry ? registryDigest(registry, docs.current, docs.system.BiosVersion ?? null) : null } : {}),
  };
}

export interface BiosChangeResult {
  /** What was PATCHed, typed as the registry says (12, not "12"); empty when every value was already pending or current. */
  sent: Record<string, BiosValue>;
  /** Requested values already in place (pending or current and not pending otherwise). */
  unchanged: string[];
  /** Requested values a lock already forces to the requested value: nothing to send. */
  alreadyForced: string[];
  /** True when something waits for a reset after this call (from now or before). */
  resetRequired: boolean;
  messages: RedfishMessage[];
  registryChecked: boolean;
}

/** `["Sriov=Enabled", "IntelProcVtd=Enabled"]` -> `{ Sriov: "Enabled", IntelProcVtd: "Enabled" }`. */
export function parseBiosAssignments(assignments: readonly string[]): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new BiosChangeError(`"${assignment}" is not NAME=VALUE`, [{ attribute: assignment, problem: 'not NAME=VALUE' }]);
    }
    changes[assignment.slice(0, eq).trim()] = assignment.slice(eq + 1).trim();
  }
  return changes;
}

function lockSentence(attribute: string, value: BiosValue, lock: AttributeLock): string {
  const causes = lock.lockedBy.map((c) => `${c.attribute} is ${c.value}`).join(' and ') || 'another setting';
  const forces = lock.forcedValue ? `, which forces it to ${lock.forcedValue} and makes it read-only` : ', which makes it read-only';
  const hint = lock.lockedBy.some((c) => c.attribute === 'WorkloadProfile')
    ? ' Set WorkloadProfile=Custom first (it can be part of the same change).'
    : '';
  return `${attribute} cannot be set to ${value}: ${causes}${forces}.${hint}`;
}

/**
 * Writes pending BIOS values. Checked first, so that nothing is sent that the iLO would accept
 * with 200 and then drop: the generation must be known (it decides the body shape), names and
 * values must exist in the attribute registry, and no workload profile may lock them. After the
 * PATCH the settings object is read back to prove the values are pending.
 */
export async function setBios(client: RedfishClient, changes: Readonly<Record<string, BiosValue>>): Promise<BiosChangeResult> {
  try {
    return await setBiosOnce(client, changes);
  } catch (error) {
    // 412: someone changed the pending settings between our read and our write. Re-read, re-check.
    if (error instanceof IloRefusedError && error.status === 412) return setBiosOnce(client, changes);
    throw error;
  }
}

/**
 * Without a registry (iLO 4 without one, or an iLO that serves none) the current value is the
 * only evidence of the type: a number stays a number, a boolean a boolean.
 */
function coerceLikeCurrent(current: unknown, value: BiosValue): { value: BiosValue } | { problem: string } {
  if (typeof current === 'number') return coerceBiosValue({ name: '', type: 'Integer', values: null, readOnly: false }, value);
  if (typeof current === 'boolean') return coerceBiosValue({ name: '', type: 'Boolean', values: null, readOnly: false }, value);
  return typeof value === 'boolean' ? { problem: `${value} is not allowed: the attribute takes text` } : { value: String(value) };
}

/** Each change typed for the wire, or the problems that refuse the whole change before anything is sent. */
function typedChanges(entries: readonly [string, BiosValue][], docs: BiosDocuments, registry: AttributeRegistry | null): Record<string, BiosValue> {
  const typed: Record<string, BiosValue> = {};
  const problems: { attribute: string; problem: string }[] = [];
  for (const [name, value] of entries) {
    const definition = registry?.attributes.get(name);
    let result: { value: BiosValue } | { problem: string };
    if (registry && !definition) result = { problem: checkAgainstRegistry(registry, name, value) ?? 'unknown attribute' };
    else if (!Object.hasOwn(docs.current, name)) {
      // A registry describes a whole platform (every slot, every option); the BIOS lists what
      // this server has. The iLO would take the PATCH and the BIOS drop it at the next boot.
      result = { problem: registry ? `in the BIOS attribute registry${registry.id ? ` ${registry.id}` : ''} but not among this server's BIOS attributes` : 'unknown attribute' };
    } else result = definition ? coerceBiosValue(definition, value) : coerceLikeCurrent(docs.current[name], value);
    if ('problem' in result) problems.push({ attribute: name, problem: result.problem });
    else typed[name] = result.value;
  }
  if (problems.length > 0) {
    throw new BiosChangeError(`BIOS change refused before sending: ${problems.map((p) => `${p.attribute}: ${p.problem}`).join('; ')}`, problems);
  }
  return typed;
}

async function setBiosOnce(client: RedfishClient, requested: Readonly<Record<string, BiosValue>>): Promise<BiosChangeResult> {
  const requestedEntries = Object.entries(requested);
  if (requestedEntries.length === 0) throw new BiosChangeError('No BIOS attribute to change', []);
  for (const [name, value] of requestedEntries) {
    const scalar = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!scalar || name.length === 0) throw new BiosChangeError(`Invalid change for "${name}"`, [{ attribute: name, problem: 'values are strings, numbers or booleans' }]);
  }

  const docs = await loadBios(client);
  if (docs.generation === null) {
    // The body shape depends on the generation and a wrong shape is silently ignored: never guess.
    throw new IloUnsupportedError(`Cannot tell the generation of the iLO at ${client.url.host} (iLO 4, 5 or 6), so the BIOS settings shape is unknown; nothing was sent`);
  }
  if (!docs.settingsUri) throw new IloUnsupportedError(`The iLO at ${client.url.host} names no BIOS settings object; nothing was sent`);

  const registry: AttributeRegistry | null = await loadAttributeRegistry(client, docs.registryName);
  const changes = typedChanges(requestedEntries, docs, registry);
  const entries = Object.entries(changes);

  const effective = { ...docs.settings, ...changes };
  const locks = findLocks(effective, registry);
  const locked: { attribute: string; value: BiosValue; lock: AttributeLock }[] = [];
  const alreadyForced: string[] = [];
  for (const [name, value] of entries) {
    const lock = locks.get(name);
    if (!lock) continue;
    if (lock.forcedValue === value) alreadyForced.push(name);
    else locked.push({ attribute: name, value, lock });
  }
  if (locked.length > 0) {
    throw new BiosLockedError(
      locked.map((l) => lockSentence(l.attribute, l.value, l.lock)).join(' '),
      locked.map((l) => ({ attribute: l.attribute, forcedValue: l.lock.forcedValue, lockedBy: l.lock.lockedBy })),
    );
  }

  const unchanged: string[] = [];
  const sent: Record<string, BiosValue> = {};
  for (const [name, value] of entries) {
    if (alreadyForced.includes(name)) continue;
    if (docs.settings[name] === value) unchanged.push(name);
    else sent[name] = value;
  }
  if (Object.keys(sent).length === 0) {
    return { sent, unchanged, alreadyForced, resetRequired: Object.keys(pendingChanges(docs)).length > 0, messages: [], registryChecked: registry !== null };
  }

  const response = await client.patch(docs.settingsUri, biosSettingsBody(docs.generation, sent), docs.settingsEtag ? { ifMatch: docs.settingsEtag } : {});

  const after = biosAttributes((await client.get(docs.settingsUri)).body, docs.generation);
  const missing = Object.entries(sent).filter(([name, value]) => after[name] !== value).map(([name]) => name);
  if (missing.length > 0) {
    throw new BiosChangeNotRecordedError(
      `The iLO at ${client.url.host} accepted the BIOS change but does not show ${missing.join(', ')} as pending; the change was not recorded`,
      missing,
    );
  }
  return { sent, unchanged, alreadyForced, resetRequired: true, messages: response.messages, registryChecked: registry !== null };
}
