// The parts of the Redfish tree the client reads, checked by hand-written readers. An iLO adds
// properties with every firmware, so unknown ones are ignored and only what the client relies on
// is checked; null counts as absent, as Redfish uses it for "unknown". No schema library here:
// the agent loads this module on small hosts, where every megabyte counts.

type Json = Record<string, unknown>;

export class ShapeError extends Error {}

export interface Shape<T> {
  parse(value: unknown): T;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Reader {
  private constructor(
    readonly value: Json,
    private readonly path: string,
  ) {}

  static of(value: unknown, path: string): Reader {
    if (!isObject(value)) throw new ShapeError(`${path} is not an object`);
    return new Reader(value, path);
  }

  private get(key: string): unknown {
    const value = this.value[key];
    return value === null ? undefined : value;
  }

  private fail(key: string, expected: string): never {
    throw new ShapeError(`${this.path}.${key} is not ${expected}`);
  }

  string(key: string): string | undefined {
    const value = this.get(key);
    if (value !== undefined && typeof value !== 'string') this.fail(key, 'a string');
    return value;
  }

  requiredString(key: string): string {
    return this.string(key) ?? this.fail(key, 'a string');
  }

  number(key: string): number | undefined {
    const value = this.get(key);
    if (value !== undefined && typeof value !== 'number') this.fail(key, 'a number');
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.get(key);
    if (value !== undefined && typeof value !== 'boolean') this.fail(key, 'a boolean');
    return value;
  }

  object(key: string): Reader | undefined {
    const value = this.get(key);
    return value === undefined ? undefined : Reader.of(value, `${this.path}.${key}`);
  }

  objects(key: string): Reader[] {
    const value = this.get(key);
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(key, 'an array');
    return value.map((item, i) => Reader.of(item, `${this.path}.${key}[${i}]`));
  }

  strings(key: string): string[] | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) this.fail(key, 'an array of strings');
    return value as string[];
  }

  /** `{ "@odata.id": "..." }` */
  link(key: string): string | undefined {
    return this.object(key)?.requiredString('@odata.id');
  }

  links(key: string): string[] {
    return this.objects(key).map((o) => o.requiredString('@odata.id'));
  }

  raw(key: string): unknown {
    return this.get(key);
  }
}

function shape<T>(name: string, read: (r: Reader) => T): Shape<T> {
  return { parse: (value) => read(Reader.of(value, name)) };
}

export interface Collection {
  members: string[];
  nextLink?: string;
}

export const Collection: Shape<Collection> = shape('collection', (r) => {
  const nextLink = r.string('Members@odata.nextLink');
  return { members: r.links('Members'), ...(nextLink ? { nextLink } : {}) };
});

/** The system as the iLO sent it, with the properties the client uses checked. */
export type ComputerSystem = Json & {
  Model?: string;
  SerialNumber?: string;
  BiosVersion?: string;
  PowerState?: string;
  resetAction?: { target: string; allowedValues: string[] };
};

export const ComputerSystem: Shape<ComputerSystem> = shape('ComputerSystem', (r) => {
  const action = r.object('Actions')?.object('#ComputerSystem.Reset');
  return {
    ...r.value,
    Model: r.string('Model'),
    SerialNumber: r.string('SerialNumber'),
    BiosVersion: r.string('BiosVersion'),
    PowerState: r.string('PowerState'),
    ...(action ? { resetAction: { target: action.requiredString('target'), allowedValues: action.strings('ResetType@Redfish.AllowableValues') ?? [] } } : {}),
  };
});

export interface RegistryFile {
  locations: { language?: string; uri?: string }[];
}

export const RegistryFile: Shape<RegistryFile> = shape('MessageRegistryFile', (r) => ({
  locations: r.objects('Location').map((l) => ({ language: l.string('Language'), uri: l.string('Uri') })),
}));

export interface RegistryAttribute {
  /** iLO 5/6 say AttributeName, iLO 4 says Name. */
  name?: string;
  type?: string;
  readOnly?: boolean;
  values?: string[];
  maxLength?: number;
  minLength?: number;
  lowerBound?: number;
  upperBound?: number;
}

export interface RegistryDependency {
  type?: string;
  mapFrom: { attribute: string; condition?: string; property?: string; value?: unknown; terms?: string }[];
  mapToAttribute: string;
  mapToProperty: string;
  mapToValue?: unknown;
}

export interface AttributeRegistryDocument {
  id?: string;
  attributes: RegistryAttribute[];
  /** Absent in iLO 4 registries. */
  dependencies?: RegistryDependency[];
}

export const AttributeRegistryDocument: Shape<AttributeRegistryDocument> = shape('AttributeRegistry', (r) => {
  const entries = r.object('RegistryEntries');
  if (!entries) throw new ShapeError('AttributeRegistry.RegistryEntries is missing');
  const attributes = entries.objects('Attributes').map((a) => ({
    name: a.string('AttributeName') ?? a.string('Name'),
    type: a.string('Type'),
    readOnly: a.boolean('ReadOnly'),
    values: a.raw('Value') === undefined ? undefined : a.objects('Value').map((v) => v.requiredString('ValueName')),
    maxLength: a.number('MaxLength'),
    minLength: a.number('MinLength'),
    lowerBound: a.number('LowerBound'),
    upperBound: a.number('UpperBound'),
  }));
  const dependencies =
    entries.raw('Dependencies') === undefined
      ? undefined
      : entries.objects('Dependencies').flatMap((d): RegistryDependency[] => {
          const dependency = d.object('Dependency');
          if (!dependency) return [];
          return [
            {
              type: d.string('Type'),
              mapFrom: dependency.objects('MapFrom').map((m) => ({
                attribute: m.requiredString('MapFromAttribute'),
                condition: m.string('MapFromCondition'),
                property: m.string('MapFromProperty'),
                value: m.raw('MapFromValue'),
                terms: m.string('MapTerms'),
              })),
              mapToAttribute: dependency.requiredString('MapToAttribute'),
              mapToProperty: dependency.requiredString('MapToProperty'),
              mapToValue: dependency.raw('MapToValue'),
            },
          ];
        });
  return { id: r.string('Id'), attributes, ...(dependencies ? { dependencies } : {}) };
});

export interface PartLocation {
  serviceLabel?: string;
  locationType?: string;
  ordinal?: number;
}

export interface NetworkAdapter {
  id: string;
  name?: string;
  manufacturer?: string;
  model?: string;
  partNumber?: string;
  serialNumber?: string;
  /** Older schemas put the location on the adapter, newer ones on each controller. */
  location?: PartLocation;
  controllers: {
    firmwareVersion?: string;
    location?: PartLocation;
    /** SRIOV.SRIOVVEPACapable: SR-IOV in VEPA mode, not SR-IOV itself (a DPU with VFs says false). */
    sriovVepaCapable?: boolean;
    deviceMaxVirtualFunctions?: number;
    portMaxVirtualFunctions?: number;
    functionLinks: string[];
  }[];
  functionsCollection?: string;
}

function partLocation(r: Reader | undefined): PartLocation | undefined {
  const p = r?.object('PartLocation');
  return p ? { serviceLabel: p.string('ServiceLabel'), locationType: p.string('LocationType'), ordinal: p.number('LocationOrdinalValue') } : undefined;
}

export const NetworkAdapter: Shape<NetworkAdapter> = shape('NetworkAdapter', (r) => ({
  id: r.requiredString('Id'),
  name: r.string('Name'),
  manufacturer: r.string('Manufacturer'),
  model: r.string('Model'),
  partNumber: r.string('PartNumber'),
  serialNumber: r.string('SerialNumber'),
  location: partLocation(r.object('Location')),
  controllers: r.objects('Controllers').map((c) => {
    const offload = c.object('ControllerCapabilities')?.object('VirtualizationOffload');
    return {
      firmwareVersion: c.string('FirmwarePackageVersion'),
      location: partLocation(c.object('Location')),
      sriovVepaCapable: offload?.object('SRIOV')?.boolean('SRIOVVEPACapable'),
      deviceMaxVirtualFunctions: offload?.object('VirtualFunction')?.number('DeviceMaxCount'),
      portMaxVirtualFunctions: offload?.object('VirtualFunction')?.number('NetworkPortMaxCount'),
      functionLinks: c.object('Links')?.links('NetworkDeviceFunctions') ?? [],
    };
  }),
  functionsCollection: r.link('NetworkDeviceFunctions'),
}));

export interface NetworkDeviceFunction {
  id: string;
  macAddress?: string;
  maxVirtualFunctions?: number;
  virtualFunctionsEnabled?: boolean;
}

export const NetworkDeviceFunction: Shape<NetworkDeviceFunction> = shape('NetworkDeviceFunction', (r) => {
  const ethernet = r.object('Ethernet');
  return {
    id: r.requiredString('Id'),
    macAddress: ethernet?.string('PermanentMACAddress') ?? ethernet?.string('MACAddress'),
    maxVirtualFunctions: r.number('MaxVirtualFunctions'),
    virtualFunctionsEnabled: r.boolean('VirtualFunctionsEnabled'),
  };
});

/** HPE's OEM PCI device (HpServerPciDevice on iLO 4, HpeServerPciDevice from iLO 5). */
export interface HpePciDevice {
  id: string;
  name?: string;
  locationString?: string;
  structuredName?: string;
  vendorId?: number;
  deviceId?: number;
  subsystemVendorId?: number;
  subsystemDeviceId?: number;
  classCode?: number;
  segment?: number;
  bus?: number;
  device?: number;
  function?: number;
}

function hpePciDevice(r: Reader, id: string): HpePciDevice {
  return {
    id,
    name: r.string('Name'),
    locationString: r.string('LocationString'),
    structuredName: r.string('StructuredName'),
    vendorId: r.number('VendorID'),
    deviceId: r.number('DeviceID'),
    subsystemVendorId: r.number('SubsystemVendorID'),
    subsystemDeviceId: r.number('SubsystemDeviceID'),
    classCode: r.number('ClassCode'),
    segment: r.number('SegmentNumber'),
    bus: r.number('BusNumber'),
    device: r.number('DeviceNumber'),
    function: r.number('FunctionNumber'),
  };
}

export const HpePciDevice: Shape<HpePciDevice> = shape('PciDevice', (r) => hpePciDevice(r, r.requiredString('Id')));

/**
 * A standard PCIeDevice. Recorded iLO 5s embed HPE's own device (bus, device, function, slot) as
 * Oem.Hpe; otherwise its functions are PCIeFunction resources, without an address.
 */
export interface PCIeDevice {
  id: string;
  name?: string;
  hpe?: HpePciDevice;
  slot?: PartLocation;
  functionsCollection?: string;
  functionLinks: string[];
}

export const PCIeDevice: Shape<PCIeDevice> = shape('PCIeDevice', (r) => {
  const id = r.requiredString('Id');
  const oem = r.object('Oem');
  const hpe = oem?.object('Hpe') ?? oem?.object('Hp');
  const slotLocation = r.object('Slot')?.object('Location');
  return {
    id,
    name: r.string('Name'),
    ...(hpe && (hpe.raw('BusNumber') !== undefined || hpe.raw('StructuredName') !== undefined) ? { hpe: hpePciDevice(hpe, hpe.string('Id') ?? id) } : {}),
    ...(slotLocation ? { slot: partLocation(slotLocation) } : {}),
    functionsCollection: r.link('PCIeFunctions'),
    functionLinks: r.object('Links')?.links('PCIeFunctions') ?? [],
  };
});

export interface PCIeFunction {
  id: string;
  functionId?: number;
  /** "0x8086" as Redfish writes PCI ids. */
  vendorId?: string;
  deviceId?: string;
  subsystemVendorId?: string;
  subsystemId?: string;
  classCode?: string;
  deviceClass?: string;
}

export const PCIeFunction: Shape<PCIeFunction> = shape('PCIeFunction', (r) => ({
  id: r.requiredString('Id'),
  functionId: r.number('FunctionId'),
  vendorId: r.string('VendorId'),
  deviceId: r.string('DeviceId'),
  subsystemVendorId: r.string('SubsystemVendorId'),
  subsystemId: r.string('SubsystemId'),
  classCode: r.string('ClassCode'),
  deviceClass: r.string('DeviceClass'),
}));

/** HPE's OEM adapter (iLO 5 Systems/1/BaseNetworkAdapters): where a card sits, and cards NetworkAdapters leaves out. */
export interface BaseNetworkAdapter {
  id: string;
  name?: string;
  partNumber?: string;
  serialNumber?: string;
  /** "NIC.Slot.1.1", "OCP.Slot.10.1", "NIC.LOM.1.1". */
  structuredName?: string;
  /** "PCI-E Slot 1", "OCP 3.0 Slot 10". */
  location?: string;
  firmwareVersion?: string;
  macAddresses: string[];
}

export const BaseNetworkAdapter: Shape<BaseNetworkAdapter> = shape('BaseNetworkAdapter', (r) => ({
  id: r.requiredString('Id'),
  name: r.string('Name'),
  partNumber: r.string('PartNumber'),
  serialNumber: r.string('SerialNumber'),
  structuredName: r.string('StructuredName'),
  location: r.string('Location'),
  firmwareVersion: r.object('Firmware')?.object('Current')?.string('VersionString'),
  macAddresses: r.objects('PhysicalPorts').flatMap((p) => {
    const mac = p.string('MacAddress');
    return mac ? [mac] : [];
  }),
}));

