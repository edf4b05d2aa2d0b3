// NICs found in ProLiant servers (SRIOV-FACTS.md section 6): PCI ids, drivers and VF limits.

export interface NicModel {
  /** HPE's name for the card. */
  name: string;
  chip: string;
  vendorId: string;
  deviceId: string;
  vfDeviceId: string;
  pfDriver: string;
  vfDriver: string;
  /** VFs per PF the driver allows (sriov_totalvfs); 0 when the function has no SR-IOV. */
  totalVfs: number;
  ports: number;
  speedMbps: number;
}

export const NIC_MODELS = {
  '560SFP+': {
    name: 'HPE Ethernet 10Gb 2-port 560SFP+ Adapter',
    chip: 'Intel 82599ES',
    vendorId: '8086',
    deviceId: '10fb',
    vfDeviceId: '10ed',
    pfDriver: 'ixgbe',
    vfDriver: 'ixgbevf',
    totalVfs: 63,
    ports: 2,
    speedMbps: 10_000,
  },
  '562SFP+': {
    name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter',
    chip: 'Intel X710',
    vendorId: '8086',
    deviceId: '1572',
    vfDeviceId: '154c',
    pfDriver: 'i40e',
    vfDriver: 'iavf',
    // 128 VFs per adapter (driver limit), split across its two ports.
    totalVfs: 64,
    ports: 2,
    speedMbps: 10_000,
  },
  '631SFP28': {
    name: 'HPE Ethernet 10/25Gb 2-port 631SFP28 Adapter',
    chip: 'Broadcom BCM57414',
    vendorId: '14e4',
    deviceId: '16d7',
    vfDeviceId: '16dc',
    pfDriver: 'bnxt_en',
    vfDriver: 'bnxt_en',
    // Firmware-defined; 64 is what HPE's default NVM configuration exposes.
    totalVfs: 64,
    ports: 2,
    speedMbps: 25_000,
  },
  '640SFP28': {
    name: 'HPE Ethernet 10/25Gb 2-port 640SFP28 Adapter',
    chip: 'Mellanox ConnectX-4 Lx',
    vendorId: '15b3',
    deviceId: '1015',
    vfDeviceId: '1016',
    pfDriver: 'mlx5_core',
    vfDriver: 'mlx5_core',
    // Firmware NUM_OF_VFS; 8 is the factory setting.
    totalVfs: 8,
    ports: 2,
    speedMbps: 25_000,
  },
  E810: {
    name: 'Intel E810-XXVDA2 Ethernet 10/25Gb 2-port SFP28 Adapter for HPE',
    chip: 'Intel E810',
    vendorId: '8086',
    deviceId: '159b',
    vfDeviceId: '1889',
    pfDriver: 'ice',
    vfDriver: 'iavf',
    // 256 VFs per device, split across its two ports.
    totalVfs: 128,
    ports: 2,
    speedMbps: 25_000,
  },
  'BlueField-2': {
    // A DPU: its iLO reports SRIOVVEPACapable false though its VFs work (SR-IOV is judged by VF counts).
    name: 'NVIDIA BlueField-2 25GbE 2-port SFP56 DPU',
    chip: 'NVIDIA BlueField-2 (ConnectX-6 Dx)',
    vendorId: '15b3',
    deviceId: 'a2d6',
    vfDeviceId: '101e',
    pfDriver: 'mlx5_core',
    vfDriver: 'mlx5_core',
    // Firmware NUM_OF_VFS.
    totalVfs: 127,
    ports: 2,
    speedMbps: 25_000,
  },
  '366FLR': {
    name: 'HPE Ethernet 1Gb 4-port 366FLR Adapter',
    chip: 'Intel I350',
    vendorId: '8086',
    deviceId: '1521',
    vfDeviceId: '1520',
    pfDriver: 'igb',
    vfDriver: 'igbvf',
    totalVfs: 7,
    ports: 4,
    speedMbps: 1_000,
  },
} as const satisfies Record<string, NicModel>;

export type NicModelKey = keyof typeof NIC_MODELS;

/** Which card a PCI function is, by its ids; null when it is not one we know. */
export function nicModelKeyOf(vendorId: string, deviceId: string): NicModelKey | null {
  for (const [key, model] of Object.entries(NIC_MODELS)) {
    if (model.vendorId === vendorId && model.deviceId === deviceId) return key as NicModelKey;
  }
  return null;
}
