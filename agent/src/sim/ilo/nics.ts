// NIC inventories of the simulated servers, from the table in SRIOV-FACTS.md section 6.

export interface SimNicPort {
  readonly macAddress: string;
  /** NetworkDeviceFunction.MaxVirtualFunctions; 0 when the function cannot do SR-IOV. */
  readonly maxVirtualFunctions: number;
}

export interface SimNic {
  /** NetworkAdapter Id; iLO 5 derives these from the PCI location ("DC080000"). */
  readonly id: string;
  readonly name: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly partNumber: string;
  readonly serialNumber: string;
  readonly firmwareVersion: string;
  /** PCIe slot number; null for an embedded / LOM adapter. */
  readonly slot: number | null;
  readonly vendorId: number;
  readonly deviceId: number;
  readonly subsystemVendorId: number;
  readonly subsystemDeviceId: number;
  readonly bus: number;
  /** ControllerCapabilities.VirtualizationOffload.VirtualFunction.DeviceMaxCount (0: no SR-IOV). */
  readonly deviceMaxVirtualFunctions: number;
  readonly ports: readonly SimNicPort[];
  /**
   * SRIOV.SRIOVVEPACapable: whether SR-IOV works in VEPA mode, not whether it works. Default:
   * as the VF counts. A recorded BlueField-2 DPU said false with 127 VFs a port enabled.
   */
  readonly vepaCapable?: boolean;
  /** Listed only in HPE's BaseNetworkAdapters (iLO 5), not in the Redfish NetworkAdapters, as recorded for some cards. */
  readonly onlyInBaseNetworkAdapters?: boolean;
}

/**
 * How this iLO lays out what it knows of PCI devices and adapters: the shapes recorded from real
 * iLO 5s, which a client has to read all of.
 */
export interface SimRedfishShape {
  /**
   * oem: HPE's PCIDevices collection, linked from Oem.Hpe.Links (the default). pcie-links: the
   * system's standard PCIeDevices, an array of links to PCIeDevice resources that carry HPE's
   * device as Oem.Hpe, and no OEM link. pcie-collection: PCIeDevices as a link to a collection.
   */
  readonly pciDevices?: 'oem' | 'pcie-links' | 'pcie-collection';
  /** false: NetworkAdapters carry no location (no slot): only BaseNetworkAdapters say where a card sits. */
  readonly networkAdapterLocations?: boolean;
  /** false: NetworkAdapters carry no serial number, so adapters are matched with BaseNetworkAdapters by MAC. */
  readonly networkAdapterSerials?: boolean;
}

function macs(seed: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const bytes = [0x14, 0x02, 0xec, (seed >> 8) & 0xff, seed & 0xff, i];
    return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  });
}

function ports(seed: number, count: number, maxVfs: number): SimNicPort[] {
  return macs(seed, count).map((macAddress) => ({ macAddress, maxVirtualFunctions: maxVfs }));
}

const HPE = 0x1590;

export function gen10IntelNics(seed = 1): SimNic[] {
  return [
    {
      id: 'DC080000', name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter', manufacturer: 'Intel Corporation',
      model: 'X710', partNumber: '727054-B21', serialNumber: `7CE${seed}0Q1A`, firmwareVersion: '10.51.5',
      slot: 1, vendorId: 0x8086, deviceId: 0x1572, subsystemVendorId: HPE, subsystemDeviceId: 0x0000,
      bus: 0x12, deviceMaxVirtualFunctions: 128, ports: ports(seed * 16 + 1, 2, 64),
    },
    {
      id: 'DE081000', name: 'HPE Ethernet 10/25Gb 2-port 640SFP28 Adapter', manufacturer: 'Mellanox Technologies',
      model: 'ConnectX-4 Lx', partNumber: '817753-B21', serialNumber: `IL2${seed}4H0Z`, firmwareVersion: '14.32.1010',
      slot: 2, vendorId: 0x15b3, deviceId: 0x1015, subsystemVendorId: HPE, subsystemDeviceId: 0x00d4,
      // mlx5 takes its VF count from firmware (NUM_OF_VFS), here 8 per port.
      bus: 0x5c, deviceMaxVirtualFunctions: 16, ports: ports(seed * 16 + 2, 2, 8),
    },
    {
      id: 'DC070000', name: 'HPE Ethernet 1Gb 4-port 331i Adapter - NIC', manufacturer: 'Broadcom',
      model: 'BCM5719', partNumber: '629135-B22', serialNumber: `LOM${seed}0001`, firmwareVersion: '20.14.62',
      slot: null, vendorId: 0x14e4, deviceId: 0x1657, subsystemVendorId: 0x103c, subsystemDeviceId: 0x22be,
      bus: 0x02, deviceMaxVirtualFunctions: 0, ports: ports(seed * 16 + 3, 4, 0),
    },
  ];
}

export function gen9Nics(seed = 1): SimNic[] {
  return [
    {
      id: 'NIC1', name: 'HPE Ethernet 10Gb 2-port 560SFP+ Adapter', manufacturer: 'Intel Corporation',
      model: '82599ES', partNumber: '665249-B21', serialNumber: `MXG${seed}0P1A`, firmwareVersion: '1.2138.0',
      slot: 1, vendorId: 0x8086, deviceId: 0x10fb, subsystemVendorId: 0x103c, subsystemDeviceId: 0x17d3,
      bus: 0x04, deviceMaxVirtualFunctions: 126, ports: ports(seed * 16 + 1, 2, 63),
    },
    {
      id: 'NIC2', name: 'HP Ethernet 1Gb 4-port 366FLR Adapter', manufacturer: 'Intel Corporation',
      model: 'I350', partNumber: '665240-B21', serialNumber: `MXG${seed}0F1B`, firmwareVersion: '1.1904.0',
      slot: null, vendorId: 0x8086, deviceId: 0x1521, subsystemVendorId: 0x103c, subsystemDeviceId: 0x8000,
      bus: 0x03, deviceMaxVirtualFunctions: 28, ports: ports(seed * 16 + 2, 4, 7),
    },
  ];
}

export function gen11Nics(seed = 1): SimNic[] {
  return [
    {
      id: 'DE07A000', name: 'Intel E810-XXVDA2 Ethernet 10/25Gb 2-port SFP28 Adapter for HPE', manufacturer: 'Intel Corporation',
      model: 'E810-XXVDA2', partNumber: 'P08443-B21', serialNumber: `B49${seed}91D2`, firmwareVersion: '4.40',
      slot: 1, vendorId: 0x8086, deviceId: 0x159b, subsystemVendorId: HPE, subsystemDeviceId: 0x02d4,
      bus: 0x31, deviceMaxVirtualFunctions: 256, ports: ports(seed * 16 + 1, 2, 128),
    },
    {
      id: 'DE07B000', name: 'Broadcom BCM57414 Ethernet 10/25Gb 2-port SFP28 OCP3 Adapter for HPE', manufacturer: 'Broadcom',
      model: 'BCM57414', partNumber: 'P10115-B21', serialNumber: `P1F${seed}2OCP`, firmwareVersion: '223.0.161.0',
      slot: 14, vendorId: 0x14e4, deviceId: 0x16d7, subsystemVendorId: HPE, subsystemDeviceId: 0x020e,
      bus: 0x91, deviceMaxVirtualFunctions: 256, ports: ports(seed * 16 + 2, 2, 128),
    },
  ];
}
