// Everything HPE-specific lives here: how iLO 4, 5 and 6 differ from each other and from plain
// Redfish. The rest of the client asks these functions instead of knowing the quirks.

import type { RedfishMessage } from '../errors';

export type IloGeneration = 4 | 5 | 6;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function odataId(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const id = value['@odata.id'] ?? value.href;
  return typeof id === 'string' ? id : undefined;
}

function path(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** iLO 4 (Gen9) writes its OEM data under "Hp", iLO 5 and 6 under "Hpe". */
export function hpeOem(resource: unknown): Json | undefined {
  const oem = path(resource, 'Oem');
  if (!isObject(oem)) return undefined;
  const hpe = oem.Hpe ?? oem.Hp;
  return isObject(hpe) ? hpe : undefined;
}

export interface IloIdentity {
  generation: IloGeneration | null;
  firmwareVersion: string | null;
}

/** Generation and firmware from the service root (readable without logging in). */
export function identifyIlo(serviceRoot: unknown, manager?: unknown): IloIdentity {
  const entry = path(hpeOem(serviceRoot), 'Manager');
  const first = Array.isArray(entry) ? (entry[0] as unknown) : undefined;
  const type = path(first, 'ManagerType');
  const firmware = path(first, 'ManagerFirmwareVersion');
  let generation = parseGeneration(typeof type === 'string' ? type : undefined);
  let firmwareVersion = typeof firmware === 'string' ? firmware : null;
  if (manager !== undefined) {
    // Managers/1: FirmwareVersion "iLO 5 v2.72", Model "iLO 5".
    const version = path(manager, 'FirmwareVersion');
    const model = path(manager, 'Model');
    generation ??= parseGeneration(typeof model === 'string' ? model : undefined) ?? parseGeneration(typeof version === 'string' ? version : undefined);
    if (firmwareVersion === null && typeof version === 'string') firmwareVersion = version.replace(/^iLO \d+\s*v?/, '') || null;
  }
  return { generation, firmwareVersion };
}

function parseGeneration(text: string | undefined): IloGeneration | null {
  const match = text?.match(/iLO\s*(\d+)/i);
  const n = match ? Number(match[1]) : NaN;
  return n === 4 || n === 5 || n === 6 ? n : null;
}

/** The BIOS link of a ComputerSystem: standard `Bios` from iLO 5 on, an OEM link on iLO 4. */
export function biosLink(system: unknown): string | undefined {
  return odataId(path(system, 'Bios')) ?? odataId(path(hpeOem(system), 'Links', 'BIOS')) ?? odataId(path(hpeOem(system), 'Links', 'Bios'));
}

/** Where pending BIOS values go: `@Redfish.Settings.SettingsObject`, or iLO 4's OEM link. */
export function settingsLink(bios: unknown): string | undefined {
  return (
    odataId(path(bios, '@Redfish.Settings', 'SettingsObject')) ??
    odataId(path(hpeOem(bios), 'Links', 'Settings')) ??
    odataId(path(bios, 'links', 'Settings'))
  );
}

export function pciDevicesLink(system: unknown): string | undefined {
  return odataId(path(system, 'PCIDevices')) ?? odataId(path(hpeOem(system), 'Links', 'PCIDevices'));
}

/**
 * The system's standard PCIeDevices: recorded iLO 5s give an array of links to the devices, as
 * the ComputerSystem schema has it; others a link to a collection.
 */
export function pcieDevicesOf(system: unknown): { collection?: string; devices: string[] } {
  const value = path(system, 'PCIeDevices');
  if (Array.isArray(value)) return { devices: value.map(odataId).filter((id): id is string => id !== undefined) };
  const collection = odataId(value);
  return collection ? { collection, devices: [] } : { devices: [] };
}

/** HPE's BaseNetworkAdapters (iLO 5): linked as Oem.Hpe.Links.NetworkAdapters on recorded iLOs. */
export function baseNetworkAdaptersLink(system: unknown): string | undefined {
  const links = path(hpeOem(system), 'Links');
  return odataId(path(links, 'BaseNetworkAdapters')) ?? odataId(path(links, 'NetworkAdapters'));
}

/** "68:05:CA:E1:36:7C", "6805cae1367c", "68-05-ca-e1-36-7c" -> "6805cae1367c"; null for anything else. */
export function macKey(mac: string | null | undefined): string | null {
  const hex = mac?.replace(/[:.-]/g, '').toLowerCase();
  return hex && /^[0-9a-f]{12}$/.test(hex) && hex !== '000000000000' ? hex : null;
}

/** "0x8086" (Redfish PCIeFunction) -> "8086"; null for anything else. */
export function hexId(value: string | undefined): string | null {
  const match = value?.match(/^0x([0-9a-f]{1,4})$/i);
  return match ? match[1]!.toLowerCase().padStart(4, '0') : null;
}

// Keys of an iLO 4 HpBios resource that are not BIOS attributes.
const HPBIOS_METADATA = new Set(['AttributeRegistry', 'Description', 'Id', 'Name', 'Type', 'Modified', 'SettingsResult', 'links', 'Links', 'Oem', 'SettingsObject']);

/**
 * BIOS attributes of a Bios or settings resource. iLO 5 and 6 wrap them in `Attributes`;
 * iLO 4 puts them at the top level of HpBios, next to its metadata.
 */
export function biosAttributes(resource: unknown, generation: IloGeneration | null): Record<string, unknown> {
  if (!isObject(resource)) return {};
  const wrapped = resource.Attributes;
  if (generation !== 4 && isObject(wrapped)) return { ...wrapped };
  if (generation === 4 || !('Attributes' in resource)) {
    return Object.fromEntries(Object.entries(resource).filter(([key]) => !key.startsWith('@') && !HPBIOS_METADATA.has(key)));
  }
  return {};
}

/**
 * The PATCH body for the settings object. The shape is the one thing that must not be wrong:
 * an iLO answers 200 to the other generation's shape and silently ignores it.
 */
export function biosSettingsBody(generation: IloGeneration, changes: Record<string, string | number | boolean>): Json {
  return generation === 4 ? { ...changes } : { Attributes: { ...changes } };
}

/** "iLO.2.14.SystemResetRequired" -> "SystemResetRequired": versions differ by firmware. */
export function messageKey(messageId: string): string {
  return messageId.split('.').pop() ?? messageId;
}

function toMessage(entry: unknown): RedfishMessage | undefined {
  if (!isObject(entry)) return undefined;
  // iLO 4 spells it MessageID.
  const id = entry.MessageId ?? entry.MessageID;
  if (typeof id !== 'string') return undefined;
  const args = Array.isArray(entry.MessageArgs) ? entry.MessageArgs.map(String) : [];
  const related = Array.isArray(entry.RelatedProperties) ? entry.RelatedProperties.map(String) : [];
  return {
    messageId: id,
    key: messageKey(id),
    ...(typeof entry.Message === 'string' ? { message: entry.Message } : {}),
    args,
    relatedProperties: related,
  };
}

/**
 * Messages of any iLO answer: the Redfish error object (iLO 5/6 send it with 200 too), a bare
 * `@Message.ExtendedInfo`, or iLO 4's top-level `Messages`.
 */
export function extractMessages(body: unknown): RedfishMessage[] {
  const lists = [path(body, 'error', '@Message.ExtendedInfo'), path(body, '@Message.ExtendedInfo'), path(body, 'Messages')];
  const messages: RedfishMessage[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const message = toMessage(entry);
      if (message) messages.push(message);
    }
  }
  return messages;
}

/** Results of the last BIOS apply, from `@Redfish.Settings.Messages` of the current Bios. */
export function settingsMessages(bios: unknown): { time: string | null; messages: RedfishMessage[] } {
  const settings = path(bios, '@Redfish.Settings');
  const time = path(settings, 'Time');
  const list = path(settings, 'Messages');
  const messages = Array.isArray(list) ? list.map(toMessage).filter((m): m is RedfishMessage => m !== undefined) : [];
  return { time: typeof time === 'string' ? time : null, messages };
}

const SUCCESS_KEYS = new Set(['Success', 'SystemResetRequired']);

export function isFailureMessage(message: RedfishMessage): boolean {
  return !SUCCESS_KEYS.has(message.key);
}

/** 503 answers that mean "try again later". */
export const BUSY_KEYS: ReadonlySet<string> = new Set(['ServiceTemporarilyUnavailable', 'ResourceNotReadyRetry', 'ResourceInUse']);

/** iLO states the wait as the first MessageArg of its busy messages ("retry in N seconds"). */
export function retryAfterSecondsFromMessages(messages: readonly RedfishMessage[]): number | null {
  for (const message of messages) {
    if (!BUSY_KEYS.has(message.key)) continue;
    const seconds = Number(message.args[0]);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  }
  return null;
}

/** Operator-facing sentences for the MessageIds the iLO usually sends without text. */
const DESCRIPTIONS: Record<string, (args: readonly string[]) => string> = {
  SystemResetRequired: () => 'the change is pending and applies at the next server reset',
  InvalidOperationForSystemState: () => 'the operation is not possible in the current power state of the server (is it powered off?)',
  NoValidSession: () => 'no valid session or credentials',
  SessionLimitExceeded: () => 'every session slot of the iLO is in use; sessions left open by other clients expire after their timeout (30 minutes by default)',
  PropertyUnknown: ([name]) => `the BIOS has no attribute ${name ?? ''}`.trim(),
  PropertyValueNotInList: ([value, name]) => `${value ?? 'the value'} is not an allowed value of ${name ?? 'the attribute'}`,
  PropertyNotWritable: ([name]) => `${name ?? 'the attribute'} is read-only (a workload profile or another setting may force it)`,
  PropertyValueTypeError: ([value, name]) => `${value ?? 'the value'} has the wrong type for ${name ?? 'the attribute'}`,
  PropertyValueFormatError: ([value, name]) => `${value ?? 'the value'} has the wrong format for ${name ?? 'the attribute'}`,
  ActionParameterValueNotInList: ([value, name]) => `${value ?? 'the value'} is not allowed for ${name ?? 'the parameter'}`,
  PreconditionFailed: () => 'the resource changed since it was read (ETag mismatch)',
  ResourceMissingAtURI: ([uri]) => `there is no resource at ${uri ?? 'this URI'}`,
  ServiceTemporarilyUnavailable: ([seconds]) => `the iLO is busy${seconds ? `; it asks to retry in ${seconds} s` : ''}`,
  ResourceNotReadyRetry: ([seconds]) => `the resource is not ready${seconds ? `; it asks to retry in ${seconds} s` : ''}`,
  MalformedJSON: () => 'the iLO could not parse the request body',
  Success: () => 'success',
};

export function describeMessage(message: RedfishMessage): string {
  const text = messageText(message);
  return text ? `${text} (${message.messageId})` : message.messageId;
}

/** The message in words (the iLO's own, or built from its arguments), without the id; null when neither is known. */
export function messageText(message: RedfishMessage): string | null {
  const describe = DESCRIPTIONS[message.key];
  return message.message ?? (describe ? describe(message.args) : null);
}

/**
 * Which attributes each workload profile forces, for iLOs whose attribute registry has no
 * Dependencies (iLO 4, or no registry at all). From iLO 5 on the registry's Dependencies are
 * used instead. Values from SRIOV-FACTS.md section 5.
 */
const VIRTUALIZATION_ON = { Sriov: 'Enabled', ProcVirtualization: 'Enabled', IntelProcVtd: 'Enabled', ProcAmdIoVt: 'Enabled', AmdDmaRemapping: 'Enabled' };
export const KNOWN_PROFILE_LOCKS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'I/OThroughput': { Sriov: 'Disabled' },
  LowLatency: { Sriov: 'Disabled' },
  'Virtualization-PowerEfficient': VIRTUALIZATION_ON,
  'Virtualization-MaxPerformance': VIRTUALIZATION_ON,
};

/** HPE reports PCI ids as decimal numbers; operators know them in hex as lspci prints them. */
export function pciIdHex(value: unknown): string | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value.toString(16).padStart(4, '0') : null;
}

/** "NIC.Slot.5.1" -> { slot: 5, port: 1 }; "NIC.LOM.1.1" / "NIC.FlexLOM.1.1" -> embedded. */
export function parseStructuredName(name: unknown): { slot: number | null; embedded: boolean } | null {
  if (typeof name !== 'string') return null;
  const slot = name.match(/\.Slot\.(\d+)\./i);
  if (slot) return { slot: Number(slot[1]), embedded: false };
  if (/\.(Flex)?LOM\.|\.OCP\.|Embedded/i.test(name)) return { slot: null, embedded: true };
  return null;
}
