// Renders the simulated server as the Redfish tree of an iLO 4, 5 or 6. Shapes follow HPE's
// published iLO Redfish reference and recorded iLO 5 answers; where generations differ, the
// difference is deliberate and a client has to cope with it.

import { locksFor, WORKLOAD_PROFILES, type SimBiosAttribute } from './bios-attributes';
import { allowedResetTypes, type IloGeneration, type IloMachine, type SimSession } from './machine';
import type { SimNic } from './nics';

type Json = Record<string, unknown>;

/**
 * How each generation spells the links it hands out. iLO 5 writes lower-case URIs ending in a
 * slash, iLO 6 capitalised ones without it, iLO 4 capitalised ones with it; a client that
 * builds URIs itself instead of following @odata.id, or compares them case-sensitively, breaks.
 */
export function linkStyle(generation: IloGeneration): (path: string) => string {
  switch (generation) {
    case 5:
      return (path) => `${path.toLowerCase()}/`;
    case 6:
      return (path) => path;
    case 4:
      return (path) => `${path}/`;
  }
}

/** Message registry versions differ by generation; clients must match on the last segment. */
export function versionedMessageId(generation: IloGeneration, messageId: string): string {
  const [registry, , , key] = messageId.split('.');
  if (key === undefined || registry === undefined) return messageId;
  const versions: Record<IloGeneration, Record<string, string>> = {
    4: { Base: '0.10', iLO: '0.10' },
    5: { Base: '1.4', iLO: '2.14' },
    6: { Base: '1.13', iLO: '2.18' },
  };
  const version = versions[generation][registry];
  return version ? `${registry}.${version}.${key}` : messageId;
}

/** The body iLO answers with for errors and for "success, but read this" (SystemResetRequired). */
export function extendedInfo(generation: IloGeneration, messageId: string, args: readonly string[] = []): Json {
  const id = versionedMessageId(generation, messageId);
  if (generation === 4) {
    // iLO 4 predates the Redfish error object: a top-level Messages array, spelled MessageID.
    return {
      Messages: [{ MessageID: id, ...(args.length > 0 ? { MessageArgs: args } : {}) }],
      Name: 'Extended Error Information',
      Type: 'ExtendedError.1.0.0',
    };
  }
  return {
    error: {
      code: 'iLO.0.10.ExtendedInfo',
      message: 'See @Message.ExtendedInfo for more information.',
      '@Message.ExtendedInfo': [{ MessageId: id, ...(args.length > 0 ? { MessageArgs: args } : {}) }],
    },
  };
}

/** Type and constraints of a registry entry, as HPE's registries spell them. */
function typeOf(a: SimBiosAttribute): Json {
  if (a.integer) return { Type: 'Integer', LowerBound: a.integer.lowerBound, UpperBound: a.integer.upperBound, ScalarIncrement: 1 };
  if (a.values) return { Type: 'Enumeration', Value: a.values.map((v) => ({ ValueName: v, ValueDisplayName: v })) };
  return { Type: 'String', MaxLength: a.maxLength, MinLength: 0 };
}

const BASE_REGISTRY: Readonly<Record<IloGeneration, string>> = { 4: 'Base.0.10.0', 5: 'Base.1.4.0', 6: 'Base.1.13.0' };

export class Renderer {
  private readonly link: (path: string) => string;

  constructor(private readonly machine: IloMachine) {
    this.link = linkStyle(machine.generation);
  }

  private ref(path: string): Json {
    return { '@odata.id': this.link(path) };
  }

  private get oemKey(): 'Hp' | 'Hpe' {
    return this.machine.generation === 4 ? 'Hp' : 'Hpe';
  }

  private collection(path: string, type: string, name: string, members: string[]): Json {
    return {
      '@odata.context': `/redfish/v1/$metadata#${type}`,
      '@odata.id': this.link(path),
      '@odata.type': `#${type}`,
      Name: name,
      'Members@odata.count': members.length,
      Members: members.map((member) => this.ref(member)),
    };
  }

  serviceRoot(): Json {
    const m = this.machine;
    return {
      '@odata.id': this.link('/redfish/v1'),
      '@odata.type': '#ServiceRoot.v1_5_1.ServiceRoot',
      Id: 'RootService',
      Name: 'HPE RESTful Root Service',
      RedfishVersion: m.generation === 4 ? '1.0.0' : '1.6.0',
      UUID: m.uuid,
      Chassis: this.ref('/redfish/v1/Chassis'),
      Managers: this.ref('/redfish/v1/Managers'),
      Systems: this.ref('/redfish/v1/Systems'),
      Registries: this.ref('/redfish/v1/Registries'),
      SessionService: this.ref('/redfish/v1/SessionService'),
      Links: { Sessions: this.ref('/redfish/v1/SessionService/Sessions') },
      Oem: {
        [this.oemKey]: {
          Manager: [
            {
              ManagerType: `iLO ${m.generation}`,
              ManagerFirmwareVersion: m.iloFirmware,
              FQDN: `${m.hostName.toLowerCase()}.example.internal`,
              HostName: m.hostName,
            },
          ],
          Sessions: { LoginHint: { Hint: `POST to /Sessions to login using the following JSON object:`, HintPOSTData: { UserName: 'username', Password: 'password' } } },
        },
      },
    };
  }

  sessionService(): Json {
    return {
      '@odata.id': this.link('/redfish/v1/SessionService'),
      '@odata.type': '#SessionService.v1_0_0.SessionService',
      Id: 'SessionService',
      ServiceEnabled: true,
      SessionTimeout: 30,
      Sessions: this.ref('/redfish/v1/SessionService/Sessions'),
    };
  }

  sessionUri(session: SimSession): string {
    return this.link(`/redfish/v1/SessionService/Sessions/${session.id}`);
  }

  sessions(): Json {
    return this.collection(
      '/redfish/v1/SessionService/Sessions',
      'SessionCollection.SessionCollection',
      'Sessions',
      [...this.machine.sessions.values()].map((s) => `/redfish/v1/SessionService/Sessions/${s.id}`),
    );
  }

  session(session: SimSession): Json {
    return {
      '@odata.id': this.sessionUri(session),
      '@odata.type': '#Session.v1_0_0.Session',
      Id: session.id,
      Name: 'User Session',
      UserName: session.username,
      Oem: { [this.oemKey]: { LoginTime: session.createdAt.toISOString(), MySession: true, UserAccount: session.username } },
    };
  }

  systems(): Json {
    return this.collection('/redfish/v1/Systems', 'ComputerSystemCollection.ComputerSystemCollection', 'Computer Systems', ['/redfish/v1/Systems/1']);
  }

  system(): Json {
    const m = this.machine;
    const processor = m.cpu === 'intel' ? 'Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz' : 'AMD EPYC 7543 32-Core Processor';
    const pciDevices = m.redfishShape.pciDevices ?? 'oem';
    const links: Json = {
      ...(pciDevices === 'oem' ? { PCIDevices: this.ref('/redfish/v1/Systems/1/PCIDevices') } : {}),
      // Recorded iLO 5: the OEM link to BaseNetworkAdapters is named NetworkAdapters.
      ...(m.generation === 5 ? { NetworkAdapters: this.ref('/redfish/v1/Systems/1/BaseNetworkAdapters') } : {}),
      // iLO 4 linked the BIOS only from its OEM section.
      ...(m.generation === 4 ? { BIOS: this.ref('/redfish/v1/Systems/1/bios') } : {}),
    };
    return {
      '@odata.id': this.link('/redfish/v1/Systems/1'),
      '@odata.type': '#ComputerSystem.v1_4_0.ComputerSystem',
      Id: '1',
      Name: 'Computer System',
      Manufacturer: m.generation === 4 ? 'HP' : 'HPE',
      Model: m.model,
      SerialNumber: m.serialNumber,
      SKU: '868703-B21',
      HostName: m.hostName.replace(/^ILO/, 'host-').toLowerCase(),
      UUID: m.uuid,
      PowerState: m.powerState,
      BiosVersion: m.biosVersion,
      ProcessorSummary: { Count: 2, Model: processor },
      ...(m.generation === 4 ? {} : { Bios: this.ref('/redfish/v1/Systems/1/Bios') }),
      ...(pciDevices === 'pcie-links'
        ? { PCIeDevices: this.pciFunctions().map((f) => this.ref(`/redfish/v1/Systems/1/PCIeDevices/${f.id}`)), 'PCIeDevices@odata.count': this.pciFunctions().length }
        : pciDevices === 'pcie-collection'
          ? { PCIeDevices: this.ref('/redfish/v1/Systems/1/PCIeDevices') }
          : {}),
      Actions: {
        '#ComputerSystem.Reset': {
          target: this.link('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'),
          'ResetType@Redfish.AllowableValues': allowedResetTypes(m.generation),
        },
      },
      Oem: { [this.oemKey]: { Links: links } },
      Links: { ManagedBy: [this.ref('/redfish/v1/Managers/1')], Chassis: [this.ref('/redfish/v1/Chassis/1')] },
    };
  }

  private settingsMessages(): Json[] {
    const m = this.machine;
    return m.settingsMessages.map((message) => ({
      // iLO 4 spelled it MessageID here too.
      [m.generation === 4 ? 'MessageID' : 'MessageId']: versionedMessageId(m.generation, message.messageId),
      ...(message.args.length > 0 ? { MessageArgs: message.args } : {}),
      ...(message.relatedProperty ? { RelatedProperties: [message.relatedProperty] } : {}),
    }));
  }

  bios(): Json {
    const m = this.machine;
    const settingsUri = this.link('/redfish/v1/Systems/1/Bios/Settings');
    const redfishSettings = {
      '@odata.type': '#Settings.v1_0_0.Settings',
      ETag: m.settingsEtag,
      Messages: this.settingsMessages(),
      SettingsObject: { '@odata.id': settingsUri },
      Time: m.settingsTime.toISOString(),
    };
    if (m.generation === 4) {
      return {
        '@odata.id': this.link('/redfish/v1/Systems/1/bios'),
        '@odata.type': '#HpBios.1.2.0.HpBios',
        AttributeRegistry: m.registryName,
        Name: 'BIOS Current Settings',
        Type: 'HpBios.1.2.0',
        '@Redfish.Settings': redfishSettings,
        ...m.current,
        links: { Settings: { href: settingsUri } },
        Oem: { Hp: { Links: { Settings: { '@odata.id': settingsUri } } } },
      };
    }
    return {
      '@odata.id': this.link('/redfish/v1/Systems/1/Bios'),
      '@odata.type': '#Bios.v1_0_0.Bios',
      '@odata.etag': `W/"${m.serialNumber}-current"`,
      Id: 'bios',
      Name: 'BIOS Current Settings',
      AttributeRegistry: m.registryName,
      Attributes: { ...m.current },
      '@Redfish.Settings': redfishSettings,
    };
  }

  biosSettings(): Json {
    const m = this.machine;
    const uri = this.link('/redfish/v1/Systems/1/Bios/Settings');
    if (m.generation === 4) {
      return {
        '@odata.id': uri,
        '@odata.type': '#HpBios.1.2.0.HpBios',
        AttributeRegistry: m.registryName,
        Name: 'BIOS Pending Settings',
        Type: 'HpBios.1.2.0',
        ...m.settingsView(),
      };
    }
    return {
      '@odata.id': uri,
      '@odata.type': '#Bios.v1_0_0.Bios',
      '@odata.etag': m.settingsEtag,
      Id: 'settings',
      Name: 'BIOS Pending Settings',
      AttributeRegistry: m.registryName,
      Attributes: m.settingsView(),
    };
  }

  registries(): Json {
    const m = this.machine;
    return this.collection('/redfish/v1/Registries', 'MessageRegistryFileCollection.MessageRegistryFileCollection', 'Registry File Collection', [
      `/redfish/v1/Registries/${BASE_REGISTRY[m.generation]}`,
      `/redfish/v1/Registries/${m.registryName}`,
    ]);
  }

  registryFile(): Json {
    const m = this.machine;
    return {
      '@odata.id': this.link(`/redfish/v1/Registries/${m.registryName}`),
      '@odata.type': '#MessageRegistryFile.v1_1_0.MessageRegistryFile',
      Id: m.registryName,
      Registry: m.registryName,
      Languages: ['en'],
      Location: [{ Language: 'en', Uri: this.link(`/redfish/v1/RegistryStore/registries/en/${m.registryName}`) }],
    };
  }

  attributeRegistry(): Json {
    const m = this.machine;
    if (m.generation === 4) {
      // iLO 4's HpBiosAttributeRegistry names attributes "Name" and carries no Dependencies:
      // a client has to know the workload-profile locks by itself there.
      return {
        '@odata.type': `#${m.registryName}`,
        Name: 'HpBiosAttributeRegistry',
        Id: m.registryName,
        Language: 'en',
        RegistryEntries: {
          Attributes: m.registryAttributes.map((a) => ({
            Name: a.name,
            DisplayName: a.displayName,
            ...typeOf(a),
            ...(a.readOnly ? { ReadOnly: true } : {}),
          })),
        },
      };
    }
    const dependencies: Json[] = [];
    for (const profile of WORKLOAD_PROFILES) {
      for (const [attribute, value] of Object.entries(locksFor(profile, m.cpu))) {
        const mapFrom = [{ MapFromAttribute: 'WorkloadProfile', MapFromCondition: 'EQU', MapFromProperty: 'CurrentValue', MapFromValue: profile }];
        dependencies.push(
          { Dependency: { MapFrom: mapFrom, MapToAttribute: attribute, MapToProperty: 'CurrentValue', MapToValue: value }, DependencyFor: attribute, Type: 'Map' },
          { Dependency: { MapFrom: mapFrom, MapToAttribute: attribute, MapToProperty: 'ReadOnly', MapToValue: true }, DependencyFor: attribute, Type: 'Map' },
        );
      }
    }
    return {
      '@odata.type': '#AttributeRegistry.v1_1_0.AttributeRegistry',
      Id: m.registryName,
      Name: 'BIOS Attribute Registry',
      Language: 'en',
      OwningEntity: 'HPE',
      RegistryVersion: m.registryName.split('.').pop(),
      SupportedSystems: [{ ProductName: m.model, SystemId: m.biosVersion.split(' ')[0] }],
      RegistryEntries: {
        Attributes: m.registryAttributes.map((a) => ({
          AttributeName: a.name,
          DisplayName: a.displayName,
          ...typeOf(a),
          ReadOnly: a.readOnly ?? false,
        })),
        Dependencies: dependencies,
      },
    };
  }

  managers(): Json {
    return this.collection('/redfish/v1/Managers', 'ManagerCollection.ManagerCollection', 'Managers', ['/redfish/v1/Managers/1']);
  }

  manager(): Json {
    const m = this.machine;
    return {
      '@odata.id': this.link('/redfish/v1/Managers/1'),
      '@odata.type': '#Manager.v1_5_1.Manager',
      Id: '1',
      Name: 'Manager',
      ManagerType: 'BMC',
      Model: `iLO ${m.generation}`,
      FirmwareVersion: `iLO ${m.generation} v${m.iloFirmware}`,
      Actions: { '#Manager.Reset': { target: this.link('/redfish/v1/Managers/1/Actions/Manager.Reset') } },
      Oem: { [this.oemKey]: { Firmware: { Current: { Date: m.firmwareDate, VersionString: `iLO ${m.generation} v${m.iloFirmware}` } } } },
    };
  }

  chassisCollection(): Json {
    return this.collection('/redfish/v1/Chassis', 'ChassisCollection.ChassisCollection', 'Chassis', ['/redfish/v1/Chassis/1']);
  }

  chassis(): Json {
    const m = this.machine;
    return {
      '@odata.id': this.link('/redfish/v1/Chassis/1'),
      '@odata.type': '#Chassis.v1_6_0.Chassis',
      Id: '1',
      Name: 'Computer System Chassis',
      ChassisType: 'RackMount',
      Model: m.model,
      SerialNumber: m.serialNumber,
      // iLO 4 has no Redfish NetworkAdapters; only PCIDevices describe its NICs.
      ...(m.generation === 4 ? {} : { NetworkAdapters: this.ref('/redfish/v1/Chassis/1/NetworkAdapters') }),
    };
  }

  /** The adapters Redfish NetworkAdapters lists (some cards appear only in BaseNetworkAdapters). */
  redfishNics(): SimNic[] {
    return this.machine.nics.filter((nic) => !nic.onlyInBaseNetworkAdapters);
  }

  networkAdapters(): Json {
    return this.collection(
      '/redfish/v1/Chassis/1/NetworkAdapters',
      'NetworkAdapterCollection.NetworkAdapterCollection',
      'Network Adapter Collection',
      this.redfishNics().map((nic) => `/redfish/v1/Chassis/1/NetworkAdapters/${nic.id}`),
    );
  }

  private slotLabel(nic: SimNic): string {
    return nic.slot === null ? 'Embedded LOM' : `PCI-E Slot ${nic.slot}`;
  }

  networkAdapter(nic: SimNic): Json {
    const base = `/redfish/v1/Chassis/1/NetworkAdapters/${nic.id}`;
    const functions = nic.ports.map((_, i) => `${base}/NetworkDeviceFunctions/${i + 1}`);
    const shape = this.machine.redfishShape;
    return {
      '@odata.id': this.link(base),
      '@odata.type': '#NetworkAdapter.v1_5_0.NetworkAdapter',
      Id: nic.id,
      Name: nic.name,
      Manufacturer: nic.manufacturer,
      Model: nic.model,
      PartNumber: nic.partNumber,
      // Recorded iLO 5: null for cards whose serial only HPE's BaseNetworkAdapters knows.
      SerialNumber: shape.networkAdapterSerials === false ? null : nic.serialNumber,
      Status: { State: 'Enabled', Health: 'OK' },
      Controllers: [
        {
          FirmwarePackageVersion: nic.firmwareVersion,
          ...(shape.networkAdapterLocations === false
            ? {}
            : {
                Location: {
                  PartLocation: nic.slot === null
                    ? { ServiceLabel: this.slotLabel(nic), LocationType: 'Embedded' }
                    : { ServiceLabel: this.slotLabel(nic), LocationType: 'Slot', LocationOrdinalValue: nic.slot },
                },
              }),
          ControllerCapabilities: {
            NetworkPortCount: nic.ports.length,
            NetworkDeviceFunctionCount: nic.ports.length,
            VirtualizationOffload: {
              SRIOV: { SRIOVVEPACapable: nic.vepaCapable ?? nic.deviceMaxVirtualFunctions > 0 },
              VirtualFunction: { DeviceMaxCount: nic.deviceMaxVirtualFunctions, MinAssignmentGroupSize: 1, NetworkPortMaxCount: Math.max(0, ...nic.ports.map((p) => p.maxVirtualFunctions)) },
            },
          },
          Links: { NetworkDeviceFunctions: functions.map((f) => this.ref(f)) },
        },
      ],
      NetworkDeviceFunctions: this.ref(`${base}/NetworkDeviceFunctions`),
    };
  }

  networkDeviceFunctions(nic: SimNic): Json {
    const base = `/redfish/v1/Chassis/1/NetworkAdapters/${nic.id}/NetworkDeviceFunctions`;
    return this.collection(
      base,
      'NetworkDeviceFunctionCollection.NetworkDeviceFunctionCollection',
      'Network Device Function Collection',
      nic.ports.map((_, i) => `${base}/${i + 1}`),
    );
  }

  networkDeviceFunction(nic: SimNic, index: number): Json | undefined {
    const port = nic.ports[index];
    if (!port) return undefined;
    const sriovOn = this.machine.current.Sriov === 'Enabled';
    return {
      '@odata.id': this.link(`/redfish/v1/Chassis/1/NetworkAdapters/${nic.id}/NetworkDeviceFunctions/${index + 1}`),
      '@odata.type': '#NetworkDeviceFunction.v1_3_3.NetworkDeviceFunction',
      Id: String(index + 1),
      Name: `${nic.name} port ${index + 1}`,
      NetDevFuncType: 'Ethernet',
      DeviceEnabled: true,
      Ethernet: { MACAddress: port.macAddress, PermanentMACAddress: port.macAddress },
      MaxVirtualFunctions: port.maxVirtualFunctions,
      // The BIOS decides whether the function exposes SR-IOV at all.
      VirtualFunctionsEnabled: sriovOn && port.maxVirtualFunctions > 0,
    };
  }

  /** One HpeServerPciDevice per PCI function, numbered in bus order as iLO does. */
  pciFunctions(): { id: string; nic: SimNic; functionNumber: number }[] {
    const list: { id: string; nic: SimNic; functionNumber: number }[] = [];
    const sorted = [...this.machine.nics].sort((a, b) => a.bus - b.bus);
    for (const nic of sorted) nic.ports.forEach((_, functionNumber) => list.push({ id: String(list.length + 1), nic, functionNumber }));
    return list;
  }

  pciDevices(): Json {
    return this.collection(
      '/redfish/v1/Systems/1/PCIDevices',
      `${this.oemKey}ServerPciDeviceCollection.${this.oemKey}ServerPciDeviceCollection`,
      'PciDevices',
      this.pciFunctions().map((f) => `/redfish/v1/Systems/1/PCIDevices/${f.id}`),
    );
  }

  pciDevice(id: string): Json | undefined {
    const entry = this.pciFunctions().find((f) => f.id === id);
    if (!entry) return undefined;
    const { nic, functionNumber } = entry;
    const location = nic.slot === null ? 'LOM.1' : `Slot.${nic.slot}`;
    return {
      '@odata.id': this.link(`/redfish/v1/Systems/1/PCIDevices/${id}`),
      '@odata.type': `#${this.oemKey}ServerPciDevice.v2_0_0.${this.oemKey}ServerPciDevice`,
      Id: id,
      Name: nic.name,
      DeviceType: nic.slot === null ? 'Embedded LOM' : 'PCIe Card',
      DeviceLocation: nic.slot === null ? 'Embedded' : 'PCI Slot',
      LocationString: nic.slot === null ? 'Embedded LOM' : `PCI-E Slot ${nic.slot}`,
      StructuredName: `NIC.${location}.${functionNumber + 1}`,
      // HPE reports PCI ids as decimal numbers, not the hex operators know from lspci.
      VendorID: nic.vendorId,
      DeviceID: nic.deviceId,
      SubsystemVendorID: nic.subsystemVendorId,
      SubsystemDeviceID: nic.subsystemDeviceId,
      ClassCode: 2,
      SubclassCode: 0,
      SegmentNumber: 0,
      BusNumber: nic.bus,
      DeviceNumber: 0,
      FunctionNumber: functionNumber,
    };
  }

  /** The standard PCIeDevice of one PCI function, carrying HPE's device as Oem.Hpe (recorded iLO 5 shape). */
  pcieDevice(id: string): Json | undefined {
    const oem = this.pciDevice(id);
    if (!oem) return undefined;
    return {
      '@odata.id': this.link(`/redfish/v1/Systems/1/PCIeDevices/${id}`),
      '@odata.type': '#PCIeDevice.v1_5_0.PCIeDevice',
      Id: id,
      Name: oem.Name,
      Oem: { [this.oemKey]: oem },
    };
  }

  pcieDevices(): Json {
    return this.collection(
      '/redfish/v1/Systems/1/PCIeDevices',
      'PCIeDeviceCollection.PCIeDeviceCollection',
      'PCIe Devices',
      this.pciFunctions().map((f) => `/redfish/v1/Systems/1/PCIeDevices/${f.id}`),
    );
  }

  baseNetworkAdapters(): Json {
    return this.collection(
      '/redfish/v1/Systems/1/BaseNetworkAdapters',
      'HpeBaseNetworkAdapterCollection.HpeBaseNetworkAdapterCollection',
      'Base Network Adapters',
      this.machine.nics.map((_, i) => `/redfish/v1/Systems/1/BaseNetworkAdapters/${i + 1}`),
    );
  }

  baseNetworkAdapter(index: number): Json | undefined {
    const nic = this.machine.nics[index];
    if (!nic) return undefined;
    // As recorded ("OCP.Slot.10.1"): StructuredName gives the slot; PhysicalPorts the MACs.
    return {
      '@odata.id': this.link(`/redfish/v1/Systems/1/BaseNetworkAdapters/${index + 1}`),
      '@odata.type': '#HpeBaseNetworkAdapter.v2_0_0.HpeBaseNetworkAdapter',
      Id: String(index + 1),
      Name: nic.name,
      PartNumber: nic.partNumber,
      SerialNumber: nic.serialNumber,
      StructuredName: `NIC.${nic.slot === null ? 'LOM.1' : `Slot.${nic.slot}`}.1`,
      Location: this.slotLabel(nic),
      Firmware: { Current: { VersionString: nic.firmwareVersion } },
      PhysicalPorts: nic.ports.map((p, i) => ({ MacAddress: p.macAddress, Name: `port ${i + 1}`, Status: { Health: 'OK' } })),
      Status: { Health: 'OK', State: 'Enabled' },
    };
  }
}
