// The state of one simulated ProLiant behind its iLO: BIOS current and pending settings, power,
// sessions. No HTTP here; server.ts renders this as Redfish.

import { randomBytes } from 'node:crypto';
import { attributesFor, defaultBios, locksFor, registryAttributesFor, type CpuVendor, type SimBiosAttribute, type SimBiosValue } from './bios-attributes';
import { gen10IntelNics, gen11Nics, gen9Nics, type SimNic, type SimRedfishShape } from './nics';

export type IloGeneration = 4 | 5 | 6;
export type PowerState = 'On' | 'Off';

/** A message as the iLO records it after applying BIOS settings (`@Redfish.Settings.Messages`). */
export interface SimSettingsMessage {
  readonly messageId: string;
  readonly args: readonly string[];
  readonly relatedProperty?: string;
}

/** What the simulated host needs to know when the server boots: the BIOS it boots with. */
export interface SimBootEvent {
  readonly resetType: string;
  readonly appliedBios: Readonly<Record<string, SimBiosValue>>;
  readonly sriov: boolean;
  /** VT-d on Intel, AMD-Vi on AMD: IOMMU groups exist after this boot only when true. */
  readonly iommu: boolean;
  readonly virtualization: boolean;
  readonly settingsMessages: readonly SimSettingsMessage[];
}

export interface SimPowerOffEvent {
  readonly resetType: string;
}

export interface SimSession {
  readonly id: string;
  readonly token: string;
  readonly username: string;
  readonly createdAt: Date;
  lastUsed: number;
}

export interface MachineOptions {
  generation?: IloGeneration;
  cpu?: CpuVendor;
  model?: string;
  serialNumber?: string;
  /** System UUID; by default a new one at every start. */
  uuid?: string;
  hostName?: string;
  /** "2.72"; default: the generation's usual firmware. */
  iloFirmware?: string;
  /** "U30 v2.76 (02/09/2023)"; default: the generation's usual BIOS. */
  biosVersion?: string;
  /** Overrides of the default BIOS values (defaults: SR-IOV and VT-d off). */
  bios?: Record<string, SimBiosValue>;
  nics?: SimNic[];
  /** The Redfish layout of PCI devices and adapters (recorded iLO 5 variants). */
  redfishShape?: SimRedfishShape;
  powerState?: PowerState;
  username?: string;
  password?: string;
  sessionLimit?: number;
  /** Idle time after which the iLO drops a session; 30 minutes like iLO's default. */
  sessionTimeoutMs?: number;
  /** NIC seed so that every server of a fleet gets its own MAC addresses and serials. */
  seed?: number;
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly messageId: string,
    readonly args: readonly string[] = [],
  ) {
    super(`${status} ${messageId}`);
  }
}

interface GenerationProfile {
  readonly model: string;
  readonly cpu: CpuVendor;
  readonly iloFirmware: string;
  readonly firmwareDate: string;
  readonly biosVersion: string;
  readonly registry: string;
  readonly nics: (seed: number) => SimNic[];
}

export const GENERATIONS: Readonly<Record<IloGeneration, GenerationProfile>> = {
  4: {
    model: 'ProLiant DL360 Gen9', cpu: 'intel', iloFirmware: '2.80', firmwareDate: 'Jan 25 2022',
    biosVersion: 'P89 v2.90 (04/30/2021)', registry: 'HpBiosAttributeRegistryP89.1.1.00', nics: gen9Nics,
  },
  5: {
    model: 'ProLiant DL380 Gen10', cpu: 'intel', iloFirmware: '2.72', firmwareDate: 'Sep 04 2022',
    biosVersion: 'U30 v2.68 (07/14/2022)', registry: 'BiosAttributeRegistryU30.v1_2_68', nics: gen10IntelNics,
  },
  6: {
    model: 'ProLiant DL380 Gen11', cpu: 'intel', iloFirmware: '1.55', firmwareDate: 'Nov 08 2023',
    biosVersion: 'U54 v1.48 (09/28/2023)', registry: 'BiosAttributeRegistryU54.v1_1_48', nics: gen11Nics,
  },
};

const AMD_MODELS: Readonly<Record<IloGeneration, string>> = {
  4: 'ProLiant DL385 Gen9',
  5: 'ProLiant DL385 Gen10 Plus v2',
  6: 'ProLiant DL385 Gen11',
};

/** Reset types each generation allows; iLO 5 added the graceful ones. */
export function allowedResetTypes(generation: IloGeneration): string[] {
  const base = ['On', 'ForceOff', 'ForceRestart', 'Nmi', 'PushPowerButton'];
  return generation === 4 ? base : [...base, 'GracefulShutdown', 'GracefulRestart'];
}

export class IloMachine {
  readonly generation: IloGeneration;
  readonly cpu: CpuVendor;
  readonly model: string;
  readonly serialNumber: string;
  readonly hostName: string;
  readonly biosVersion: string;
  readonly iloFirmware: string;
  readonly firmwareDate: string;
  readonly registryName: string;
  readonly uuid: string;
  readonly nics: SimNic[];
  readonly redfishShape: SimRedfishShape;
  readonly username: string;
  readonly password: string;
  sessionLimit: number;
  sessionTimeoutMs: number;

  powerState: PowerState;
  current: Record<string, SimBiosValue>;
  /** Raw values as PATCHed, not validated: a real iLO validates only when the BIOS applies them. */
  pending: Record<string, unknown> = {};
  settingsMessages: SimSettingsMessage[] = [{ messageId: 'Base.1.4.Success', args: [] }];
  settingsTime = new Date();
  private settingsVersion = 1;

  readonly sessions = new Map<string, SimSession>();
  readonly stats = { ignoredBiosPatches: 0, acceptedBiosPatches: 0, logins: 0, logouts: 0, failedLogins: 0, boots: 0 };

  private readonly bootListeners = new Set<(event: SimBootEvent) => unknown>();
  private readonly powerOffListeners = new Set<(event: SimPowerOffEvent) => unknown>();

  constructor(options: MachineOptions = {}) {
    this.generation = options.generation ?? 5;
    const profile = GENERATIONS[this.generation];
    const seed = options.seed ?? 1;
    this.cpu = options.cpu ?? profile.cpu;
    this.model = options.model ?? (this.cpu === 'amd' ? AMD_MODELS[this.generation] : profile.model);
    this.serialNumber = options.serialNumber ?? `MXQ${String(seed).padStart(4, '0')}SIM`;
    this.hostName = options.hostName ?? `ILO${this.serialNumber}`;
    this.biosVersion = options.biosVersion ?? profile.biosVersion;
    this.iloFirmware = options.iloFirmware ?? profile.iloFirmware;
    this.firmwareDate = profile.firmwareDate;
    this.registryName = profile.registry;
    this.uuid = options.uuid ?? `30313436-3631-${String(seed).padStart(4, '0')}-5a43-${randomBytes(6).toString('hex')}`;
    this.nics = options.nics ?? profile.nics(seed);
    this.redfishShape = options.redfishShape ?? {};
    this.username = options.username ?? 'admin';
    this.password = options.password ?? 'password';
    this.sessionLimit = options.sessionLimit ?? 8;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 30 * 60_000;
    this.powerState = options.powerState ?? 'On';
    this.current = { ...defaultBios(this.cpu), ...(options.bios ?? {}) };
    this.enforceProfile(this.current);
  }

  get attributes(): SimBiosAttribute[] {
    return attributesFor(this.cpu);
  }

  /** What the attribute registry lists: this server's attributes and the platform's others. */
  get registryAttributes(): SimBiosAttribute[] {
    return registryAttributesFor(this.cpu);
  }

  /** The settings object a GET returns: every attribute, pending values over current ones. */
  settingsView(): Record<string, unknown> {
    return { ...this.current, ...this.pending };
  }

  get settingsEtag(): string {
    return `W/"${this.serialNumber}-${this.settingsVersion}"`;
  }

  get resetPending(): boolean {
    return Object.entries(this.pending).some(([name, value]) => this.current[name] !== value);
  }

  /** Records pending values; nothing is checked here, exactly like the real iLO. */
  recordPending(values: Record<string, unknown>): void {
    Object.assign(this.pending, values);
    this.settingsVersion += 1;
    this.stats.acceptedBiosPatches += 1;
  }

  recordIgnoredPatch(): void {
    this.stats.ignoredBiosPatches += 1;
  }

  // --- sessions --------------------------------------------------------------------------------

  login(username: unknown, password: unknown): SimSession {
    if (username !== this.username || password !== this.password) {
      this.stats.failedLogins += 1;
      throw new SimError(401, 'Base.1.4.NoValidSession');
    }
    this.expireSessions();
    if (this.sessions.size >= this.sessionLimit) throw new SimError(403, 'Base.1.4.SessionLimitExceeded');
    const session: SimSession = {
      id: `${username}${randomBytes(12).toString('hex')}`,
      token: randomBytes(16).toString('hex'),
      username,
      createdAt: new Date(),
      lastUsed: Date.now(),
    };
    this.sessions.set(session.token, session);
    this.stats.logins += 1;
    return session;
  }

  logout(sessionId: string): boolean {
    for (const [token, session] of this.sessions) {
      if (session.id.toLowerCase() === sessionId.toLowerCase()) {
        this.sessions.delete(token);
        this.stats.logouts += 1;
        return true;
      }
    }
    return false;
  }

  /** The session of this token, if still valid; using it keeps it alive. */
  sessionByToken(token: string): SimSession | undefined {
    this.expireSessions();
    const session = this.sessions.get(token);
    if (session) session.lastUsed = Date.now();
    return session;
  }

  /** Sessions nobody logged out of stay until they idle out: what locks a real iLO. */
  expireSessions(now = Date.now()): void {
    for (const [token, session] of this.sessions) {
      if (now - session.lastUsed > this.sessionTimeoutMs) this.sessions.delete(token);
    }
  }

  checkBasic(username: string, password: string): boolean {
    return username === this.username && password === this.password;
  }

  /** Resetting the iLO drops its sessions and applies nothing to the BIOS. */
  resetManager(): void {
    this.sessions.clear();
  }

  // --- power and boot --------------------------------------------------------------------------

  onBoot(listener: (event: SimBootEvent) => unknown): () => void {
    this.bootListeners.add(listener);
    return () => this.bootListeners.delete(listener);
  }

  onPowerOff(listener: (event: SimPowerOffEvent) => unknown): () => void {
    this.powerOffListeners.add(listener);
    return () => this.powerOffListeners.delete(listener);
  }

  reset(resetType: unknown): void {
    const allowed = allowedResetTypes(this.generation);
    if (typeof resetType !== 'string' || !allowed.includes(resetType)) {
      throw new SimError(400, 'Base.1.4.ActionParameterValueNotInList', [String(resetType), 'ResetType']);
    }
    const on = this.powerState === 'On';
    switch (resetType) {
      case 'On':
        if (on) throw new SimError(400, 'iLO.2.14.InvalidOperationForSystemState', ['On']);
        return this.boot(resetType);
      case 'ForceRestart':
      case 'GracefulRestart':
        if (!on) throw new SimError(400, 'iLO.2.14.InvalidOperationForSystemState', ['Off']);
        return this.boot(resetType);
      case 'ForceOff':
      case 'GracefulShutdown':
        if (!on) throw new SimError(400, 'iLO.2.14.InvalidOperationForSystemState', ['Off']);
        return this.powerOff(resetType);
      case 'PushPowerButton':
        return on ? this.powerOff(resetType) : this.boot(resetType);
      default:
        // Nmi: nothing the simulation models.
        if (!on) throw new SimError(400, 'iLO.2.14.InvalidOperationForSystemState', ['Off']);
    }
  }

  private powerOff(resetType: string): void {
    this.powerState = 'Off';
    const event: SimPowerOffEvent = { resetType };
    for (const listener of this.powerOffListeners) notify(() => listener(event));
  }

  /** Power-on self test: the BIOS applies the pending settings, then the host boots. */
  private boot(resetType: string): void {
    this.applyPending();
    this.powerState = 'On';
    this.stats.boots += 1;
    const bios = { ...this.current };
    const iommu = this.cpu === 'intel' ? bios.IntelProcVtd === 'Enabled' : bios.ProcAmdIoVt === 'Enabled';
    const event: SimBootEvent = {
      resetType,
      appliedBios: bios,
      sriov: bios.Sriov === 'Enabled',
      iommu,
      virtualization: bios.ProcVirtualization === 'Enabled',
      settingsMessages: [...this.settingsMessages],
    };
    for (const listener of this.bootListeners) notify(() => listener(event));
  }

  private applyPending(): void {
    if (Object.keys(this.pending).length === 0) return;
    const byName = new Map(this.attributes.map((a) => [a.name, a]));
    const next = { ...this.current };
    const messages: SimSettingsMessage[] = [];
    const reject = (messageId: string, name: string, args: string[]) =>
      messages.push({ messageId, args, relatedProperty: `#/Attributes/${name}` });

    // The profile is applied first: it decides which of the other values may change.
    const entries = Object.entries(this.pending).sort(([a], [b]) => Number(b === 'WorkloadProfile') - Number(a === 'WorkloadProfile'));
    for (const [name, value] of entries) {
      const attribute = byName.get(name);
      if (!attribute) {
        reject('Base.1.4.PropertyUnknown', name, [name]);
        continue;
      }
      // The recorded iLO 5 refused the string "12" for an Integer attribute at boot, and a number
      // for an Enumeration: types are checked here, never at PATCH time.
      const typeOk = attribute.integer ? Number.isInteger(value) : typeof value === 'string';
      if (!typeOk || (typeof value !== 'string' && typeof value !== 'number')) {
        reject('Base.1.4.PropertyValueTypeError', name, [JSON.stringify(value), name]);
        continue;
      }
      if (attribute.readOnly) {
        reject('Base.1.4.PropertyNotWritable', name, [name]);
        continue;
      }
      if (attribute.integer && (Number(value) < attribute.integer.lowerBound || Number(value) > attribute.integer.upperBound)) {
        reject('Base.1.4.PropertyValueNotInList', name, [String(value), name]);
        continue;
      }
      if (attribute.values && !attribute.values.includes(String(value))) {
        reject('Base.1.4.PropertyValueNotInList', name, [String(value), name]);
        continue;
      }
      if (attribute.maxLength !== undefined && String(value).length > attribute.maxLength) {
        reject('Base.1.4.PropertyValueFormatError', name, [String(value), name]);
        continue;
      }
      const forced = locksFor(String(next.WorkloadProfile ?? ''), this.cpu)[name];
      if (forced !== undefined && forced !== value) {
        reject('Base.1.4.PropertyNotWritable', name, [name]);
        continue;
      }
      next[name] = value;
    }
    this.enforceProfile(next);
    this.current = next;
    this.pending = {};
    this.settingsVersion += 1;
    this.settingsTime = new Date();
    this.settingsMessages = messages.length > 0 ? messages : [{ messageId: 'Base.1.4.Success', args: [] }];
  }

  private enforceProfile(values: Record<string, SimBiosValue>): void {
    Object.assign(values, locksFor(String(values.WorkloadProfile ?? ''), this.cpu));
  }
}

function notify(call: () => unknown): void {
  // The real iLO answers the reset request at once and the host reboots afterwards, so listeners
  // (the simulated host) run after the response and their failures cannot fail the request.
  setImmediate(() => {
    Promise.resolve()
      .then(call)
      .catch((error: unknown) => console.error('iLO simulator: boot listener failed:', error));
  });
}
