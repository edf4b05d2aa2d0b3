import { describe, expect, it } from 'vitest';
import { biosAttributes, biosSettingsBody, extractMessages, identifyIlo, parseStructuredName, pciIdHex, settingsLink } from './oem/hpe';
import { checkAgainstRegistry, coerceBiosValue, findLocks, parseAttributeRegistry } from './registry';
import { AttributeRegistryDocument } from './resources';

const registry = parseAttributeRegistry(
  AttributeRegistryDocument.parse({
    Id: 'BiosAttributeRegistryU30.v1_2_68',
    RegistryEntries: {
      Attributes: [
        { AttributeName: 'Sriov', Type: 'Enumeration', Value: [{ ValueName: 'Enabled' }, { ValueName: 'Disabled' }] },
        { AttributeName: 'IntelProcVtd', Type: 'Enumeration', Value: [{ ValueName: 'Enabled' }, { ValueName: 'Disabled' }] },
        { AttributeName: 'ProcVirtualization', Type: 'Enumeration', Value: [{ ValueName: 'Enabled' }, { ValueName: 'Disabled' }] },
        { AttributeName: 'WorkloadProfile', Type: 'Enumeration', Value: [{ ValueName: 'Custom' }, { ValueName: 'LowLatency' }] },
        { AttributeName: 'NumaGroupSize', Type: 'Integer', LowerBound: 1, UpperBound: 8 },
        { AttributeName: 'RomSelection', Type: 'Enumeration', ReadOnly: true, Value: [{ ValueName: 'CurrentRom' }] },
      ],
      Dependencies: [
        {
          Type: 'Map',
          DependencyFor: 'ProcVirtualization',
          Dependency: {
            MapFrom: [{ MapFromAttribute: 'WorkloadProfile', MapFromCondition: 'EQU', MapFromProperty: 'CurrentValue', MapFromValue: 'LowLatency' }],
            MapToAttribute: 'ProcVirtualization',
            MapToProperty: 'CurrentValue',
            MapToValue: 'Disabled',
          },
        },
        {
          Type: 'Map',
          DependencyFor: 'Sriov',
          Dependency: {
            MapFrom: [{ MapFromAttribute: 'WorkloadProfile', MapFromCondition: 'EQU', MapFromProperty: 'CurrentValue', MapFromValue: 'LowLatency' }],
            MapToAttribute: 'Sriov',
            MapToProperty: 'DisplayName',
            MapToValue: 'SR-IOV (controlled by the workload profile)',
          },
        },
        {
          Type: 'Map',
          DependencyFor: 'Sriov',
          Dependency: {
            MapFrom: [{ MapFromAttribute: 'WorkloadProfile', MapFromCondition: 'EQU', MapFromProperty: 'CurrentValue', MapFromValue: 'LowLatency' }],
            MapToAttribute: 'Sriov',
            MapToProperty: 'ReadOnly',
            MapToValue: true,
          },
        },
        {
          Type: 'Map',
          DependencyFor: 'IntelProcVtd',
          Dependency: {
            // VT-d needs VT-x: read-only while ProcVirtualization is off, whatever the profile.
            MapFrom: [
              { MapFromAttribute: 'ProcVirtualization', MapFromCondition: 'EQU', MapFromProperty: 'CurrentValue', MapFromValue: 'Disabled' },
              { MapFromAttribute: 'WorkloadProfile', MapFromCondition: 'NEQ', MapFromProperty: 'CurrentValue', MapFromValue: 'Custom', MapTerms: 'OR' },
            ],
            MapToAttribute: 'IntelProcVtd',
            MapToProperty: 'ReadOnly',
            MapToValue: true,
          },
        },
      ],
    },
  }),
);

describe('attribute registry', () => {
  it('checks names, values, bounds and read-only attributes', () => {
    expect(checkAgainstRegistry(registry, 'Sriov', 'Enabled')).toBeNull();
    expect(checkAgainstRegistry(registry, 'SRIOV', 'Enabled')).toBe('unknown attribute (names are case-sensitive: did you mean Sriov?)');
    expect(checkAgainstRegistry(registry, 'Sriov', 'enabled')).toBe('"enabled" is not one of Enabled, Disabled');
    expect(checkAgainstRegistry(registry, 'NumaGroupSize', '9')).toBe('9 is above the highest allowed value, 8');
    expect(checkAgainstRegistry(registry, 'NumaGroupSize', 'two')).toBe('"two" is not an integer');
    expect(checkAgainstRegistry(registry, 'RomSelection', 'CurrentRom')).toBe('read-only attribute');
  });

  it('types values by the registry: integers as JSON numbers, enumerations and text as strings', () => {
    const definition = (name: string) => registry.attributes.get(name)!;
    const integer = definition('NumaGroupSize');
    expect(coerceBiosValue(integer, '4')).toEqual({ value: 4 });
    expect(coerceBiosValue(integer, ' 8 ')).toEqual({ value: 8 });
    expect(coerceBiosValue(integer, 2)).toEqual({ value: 2 });
    for (const bad of ['4.5', '0x4', '', '4e0', 4.5, true]) expect(coerceBiosValue(integer, bad)).toEqual({ problem: `${JSON.stringify(bad)} is not an integer` });
    expect(coerceBiosValue(integer, '0')).toEqual({ problem: '0 is below the lowest allowed value, 1' });
    expect(coerceBiosValue(definition('Sriov'), 'Enabled')).toEqual({ value: 'Enabled' });
    expect(coerceBiosValue(definition('Sriov'), 1)).toEqual({ problem: '"1" is not one of Enabled, Disabled' });
    expect(coerceBiosValue(definition('Sriov'), true)).toEqual({ problem: 'true is not allowed: the attribute takes one of its values' });
    const flag = { name: 'Flag', type: 'Boolean', values: null, readOnly: false };
    expect(coerceBiosValue(flag, 'TRUE')).toEqual({ value: true });
    expect(coerceBiosValue(flag, false)).toEqual({ value: false });
    expect(coerceBiosValue(flag, 'yes')).toEqual({ problem: '"yes" is not true or false' });
    const text = { name: 'ServerAssetTag', type: 'String', values: null, readOnly: false, maxLength: 4 };
    expect(coerceBiosValue(text, 12)).toEqual({ value: '12' });
    expect(coerceBiosValue(text, 'rack-12')).toEqual({ problem: 'longer than 4 characters' });
  });

  it('evaluates Map dependencies with AND/OR terms', () => {
    const custom = { WorkloadProfile: 'Custom', ProcVirtualization: 'Enabled', Sriov: 'Disabled', IntelProcVtd: 'Disabled' };
    expect([...findLocks(custom, registry).keys()]).toEqual([]);
    expect([...findLocks({ ...custom, ProcVirtualization: 'Disabled' }, registry).values()]).toEqual([
      { attribute: 'IntelProcVtd', forcedValue: null, lockedBy: [{ attribute: 'ProcVirtualization', value: 'Disabled' }] },
    ]);
    const lowLatency = findLocks({ ...custom, WorkloadProfile: 'LowLatency' }, registry);
    expect([...lowLatency.keys()]).toEqual(['ProcVirtualization', 'Sriov', 'IntelProcVtd']);
    // A forced CurrentValue locks with that value; a DisplayName change alone locks nothing.
    expect(lowLatency.get('ProcVirtualization')).toEqual({ attribute: 'ProcVirtualization', forcedValue: 'Disabled', lockedBy: [{ attribute: 'WorkloadProfile', value: 'LowLatency' }] });
    expect(lowLatency.get('Sriov')?.forcedValue).toBeNull();
  });

  it('falls back to the known profile locks when the registry has no Dependencies', () => {
    const noDependencies = { ...registry, dependencies: null };
    expect(findLocks({ WorkloadProfile: 'I/OThroughput', Sriov: 'Enabled' }, noDependencies).get('Sriov')).toEqual({
      attribute: 'Sriov',
      forcedValue: 'Disabled',
      lockedBy: [{ attribute: 'WorkloadProfile', value: 'I/OThroughput' }],
    });
    // Only attributes the server has: no IntelProcVtd lock on an AMD server.
    expect([...findLocks({ WorkloadProfile: 'Virtualization-MaxPerformance', Sriov: 'Enabled', ProcAmdIoVt: 'Enabled' }, null).keys()]).toEqual(['Sriov', 'ProcAmdIoVt']);
  });

  it('reads iLO 4 registries, which say Name instead of AttributeName', () => {
    const ilo4 = parseAttributeRegistry(AttributeRegistryDocument.parse({ RegistryEntries: { Attributes: [{ Name: 'Sriov', Type: 'Enumeration', Value: [{ ValueName: 'Enabled' }] }] } }));
    expect([...ilo4.attributes.keys()]).toEqual(['Sriov']);
    expect(ilo4.dependencies).toBeNull();
  });
});

describe('HPE quirks', () => {
  it('tells the generation from the service root, or from the manager', () => {
    expect(identifyIlo({ Oem: { Hp: { Manager: [{ ManagerType: 'iLO 4', ManagerFirmwareVersion: '2.80' }] } } })).toEqual({ generation: 4, firmwareVersion: '2.80' });
    expect(identifyIlo({ Oem: { Hpe: { Manager: [{ ManagerType: 'iLO 6' }] } } }).generation).toBe(6);
    expect(identifyIlo({}, { Model: 'iLO 5', FirmwareVersion: 'iLO 5 v2.72' })).toEqual({ generation: 5, firmwareVersion: '2.72' });
    expect(identifyIlo({}, { Model: 'Integrated Dell Remote Access Controller' }).generation).toBeNull();
  });

  it('reads BIOS attributes in both shapes and writes the one the generation needs', () => {
    const hpBios = { '@odata.id': '/x', AttributeRegistry: 'HpBios', Name: 'BIOS', Type: 'HpBios.1.2.0', Sriov: 'Enabled', links: {}, Oem: {} };
    expect(biosAttributes(hpBios, 4)).toEqual({ Sriov: 'Enabled' });
    expect(biosAttributes({ Attributes: { Sriov: 'Disabled' }, Id: 'bios' }, 5)).toEqual({ Sriov: 'Disabled' });
    expect(biosSettingsBody(4, { Sriov: 'Enabled' })).toEqual({ Sriov: 'Enabled' });
    expect(biosSettingsBody(6, { Sriov: 'Enabled' })).toEqual({ Attributes: { Sriov: 'Enabled' } });
    expect(settingsLink({ Oem: { Hp: { Links: { Settings: { '@odata.id': '/redfish/v1/Systems/1/bios/Settings/' } } } } })).toBe('/redfish/v1/Systems/1/bios/Settings/');
  });

  it('extracts messages from the Redfish error object and from iLO 4 Messages with MessageID', () => {
    expect(extractMessages({ Messages: [{ MessageID: 'iLO.0.10.SystemResetRequired' }] })).toEqual([
      { messageId: 'iLO.0.10.SystemResetRequired', key: 'SystemResetRequired', args: [], relatedProperties: [] },
    ]);
    expect(extractMessages({ error: { '@Message.ExtendedInfo': [{ MessageId: 'Base.1.4.PropertyValueNotInList', MessageArgs: ['On', 'Sriov'] }] } })[0]).toMatchObject({
      key: 'PropertyValueNotInList',
      args: ['On', 'Sriov'],
    });
  });

  it('turns HPE PCI numbers and structured names into what operators read', () => {
    expect(pciIdHex(32902)).toBe('8086');
    expect(pciIdHex(5490)).toBe('1572');
    expect(pciIdHex('8086')).toBeNull();
    expect(parseStructuredName('NIC.Slot.5.1')).toEqual({ slot: 5, embedded: false });
    expect(parseStructuredName('NIC.FlexLOM.1.1')).toEqual({ slot: null, embedded: true });
    expect(parseStructuredName('HBA.Slot')).toBeNull();
  });
});
