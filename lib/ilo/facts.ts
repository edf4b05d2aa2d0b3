// The dashboard's side of the iLO: the server owns the credentials (encrypted in the inventory)
// and talks Redfish to the iLO itself with the agent's Redfish client, so a host whose agent is
// down still shows its power state and BIOS.

import 'server-only';
import { connectionOptions, messageText, readBios, RedfishError, withIlo, type BiosReport, type IloTarget, type RegistryDigest } from '@/agent/src/redfish';
import { SERVER_GENERATIONS, type IloGeneration, type ServerGeneration } from '@/lib/inventory/vocabulary';

export interface IloAccess {
  /** Host name or address, optionally with a port, or an https:// URL. */
  address: string;
  userName: string;
  password: string;
  /** SHA-256 fingerprint of the iLO's certificate, pinned at registration. */
  tlsSha256: string;
}

export function iloTarget(access: IloAccess): IloTarget {
  return {
    url: /^https:\/\//i.test(access.address) ? access.address : `https://${access.address}`,
    username: access.userName,
    password: access.password,
    trust: { kind: 'fingerprint', sha256: access.tlsSha256 },
  };
}

/** "ProLiant DL385 Gen10 Plus v2" -> "Gen10 Plus". */
export function serverGenerationOf(model: string): ServerGeneration | null {
  const match = model.match(/\bGen(9|10|11)(\s+Plus)?\b/i);
  if (!match) return null;
  const generation = `Gen${match[1]}${match[2] ? ' Plus' : ''}`;
  return (SERVER_GENERATIONS as readonly string[]).includes(generation) ? (generation as ServerGeneration) : null;
}

export interface IloFacts {
  model: string;
  generation: ServerGeneration;
  serialNumber: string;
  cpuVendor: 'Intel' | 'AMD';
  powerState: string | null;
  iloGeneration: IloGeneration;
  iloFirmware: string | null;
  bios: { name: string; current: string | null; pending: string | null }[];
  resetRequired: boolean;
  lastApply: { at: Date | null; messages: { messageId: string; severity: string; message: string }[] };
  /** The BIOS attribute registry (the attributes this server has); null when the iLO serves none. */
  registry: RegistryDigest | null;
  /** Every attribute: [current, pending or null]. */
  values: BiosReport['values'];
}

export class IloFactsError extends Error {}

/** What the inventory keeps of an iLO's answer; refuses answers that lack what a host row needs. */
export function factsFromReport(report: BiosReport): IloFacts {
  const model = report.model;
  const generation = model ? serverGenerationOf(model) : null;
  if (!model || !generation) throw new IloFactsError(`The iLO reports the model "${model ?? 'nothing'}", which is not a ProLiant Gen9, Gen10, Gen10 Plus or Gen11.`);
  if (!report.serialNumber) throw new IloFactsError('The iLO reports no serial number.');
  if (!report.iloGeneration) throw new IloFactsError('The iLO does not say which generation it is (iLO 4, 5 or 6).');
  const bios = [...Object.entries(report.attributes), ['WorkloadProfile', report.workloadProfile] as const]
    .filter(([, state]) => state.current !== null || state.pending !== null)
    .map(([name, state]) => ({ name, current: state.current, pending: state.pending ?? state.current }));
  return {
    model,
    generation,
    serialNumber: report.serialNumber,
    cpuVendor: report.cpuVendor === 'amd' ? 'AMD' : 'Intel',
    powerState: report.powerState,
    iloGeneration: `iLO ${report.iloGeneration}` as IloGeneration,
    iloFirmware: report.iloFirmware,
    bios,
    resetRequired: report.resetPending,
    lastApply: {
      at: report.lastApply.time ? new Date(report.lastApply.time) : null,
      messages: report.lastApply.messages.map((m) => ({ messageId: m.messageId, severity: m.key === 'Success' ? 'OK' : 'Warning', message: messageText(m) ?? m.key })),
    },
    registry: report.registry ?? null,
    values: report.values,
  };
}

export async function readIloFacts(access: IloAccess): Promise<IloFacts> {
  const report = await withIlo(connectionOptions(iloTarget(access), { timeoutMs: 15_000 }), (client) => readBios(client, { includeRegistry: true }));
  return factsFromReport(report);
}

/** The iLO's refusal in words, for a 4xx: wrong password, unreachable and untrusted certificate differ. */
export function iloProblem(error: unknown): string | null {
  if (error instanceof RedfishError || error instanceof IloFactsError) return error.message;
  return null;
}
