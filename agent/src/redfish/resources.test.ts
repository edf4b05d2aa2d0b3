import { describe, expect, it } from 'vitest';
import { Collection, ComputerSystem, NetworkAdapter, ShapeError } from './resources';

describe('Redfish resource readers', () => {
  it('treat null as absent, as Redfish uses it for unknown values', () => {
    const system = ComputerSystem.parse({ Id: '1', Model: 'ProLiant DL380 Gen10', SerialNumber: null, Oem: { Hpe: {} } });
    expect(system.SerialNumber).toBeUndefined();
    expect(system.Model).toBe('ProLiant DL380 Gen10');
    // Everything else is kept for the OEM lookups.
    expect(system.Oem).toEqual({ Hpe: {} });
  });

  it('name the property that has the wrong type', () => {
    expect(() => NetworkAdapter.parse({ Id: 'DC080000', Controllers: [{ ControllerCapabilities: { VirtualizationOffload: { VirtualFunction: { DeviceMaxCount: '128' } } } }] })).toThrow(
      new ShapeError('NetworkAdapter.Controllers[0].ControllerCapabilities.VirtualizationOffload.VirtualFunction.DeviceMaxCount is not a number'),
    );
    expect(() => Collection.parse({ Members: [{ href: '/x' }] })).toThrow('collection.Members[0].@odata.id is not a string');
    expect(() => Collection.parse('<html>')).toThrow('collection is not an object');
  });

  it('read collection pages', () => {
    expect(Collection.parse({ Members: [{ '@odata.id': '/a' }], 'Members@odata.nextLink': '/c?$skip=1' })).toEqual({ members: ['/a'], nextLink: '/c?$skip=1' });
    expect(Collection.parse({})).toEqual({ members: [] });
  });
});
