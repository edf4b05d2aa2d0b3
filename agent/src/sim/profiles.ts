import type { CpuVendor } from '../api-types';

/** A NIC as HPE ships it in ProLiant servers (SRIOV-FACTS.md section 6). */
export interface NicModel {
  hpeName: string;
  chip: string;
  vendorId: string;
  pfDeviceId: string;
  /** null: the chip has no SR-IOV capability (no sriov_* files, no VFs). */
  vfDeviceId: string | null;
  pfDriver: string;
  vfDriver: string | null;
  /** sriov_totalvfs of each port, as the driver reports it; 0 without SR-IOV. */
  totalVfsPerPort: number;
  /**
   * TotalVFs of the chip's SR-IOV capability, which sriov_totalvfs shows while no driver is bound
   * (pci_sriov_get_totalvfs); absent when the driver keeps the chip's number.
   */
  chipTotalVfsPerPort?: number;
  ports: number;
  subsystemVendorId: string;
  subsystemDeviceId: string;
  /** Routing-ID offset and stride of VF 0 (PCIe SR-IOV capability); the agent never uses them. */
  vfOffset: number;
  vfStride: number;
  /** Added to vfOffset per port, so the ports' VF ranges do not overlap (0 where strides interleave them). */
  vfOffsetPerPort: number;
  /** How the PF driver answers VF settings it does not implement (igb: no link state, no min rate). */
  rejects: { linkState?: boolean; minTxRate?: boolean };
}

export const NIC_MODELS = {
  'hpe-560sfp+': {
    hpeName: 'HPE Ethernet 10Gb 2-port 560SFP+ Adapter', chip: 'Intel 82599ES', vendorId: '8086',
    pfDeviceId: '10fb', vfDeviceId: '10ed', pfDriver: 'ixgbe', vfDriver: 'ixgbevf', totalVfsPerPort: 63, ports: 2,
    subsystemVendorId: '103c', subsystemDeviceId: '17d3', vfOffset: 128, vfStride: 2, vfOffsetPerPort: 0, rejects: {},
  },
  'hpe-562sfp+': {
    // i40e allows 128 VFs per adapter and splits them across the ports.
    hpeName: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter', chip: 'Intel X710', vendorId: '8086',
    pfDeviceId: '1572', vfDeviceId: '154c', pfDriver: 'i40e', vfDriver: 'iavf', totalVfsPerPort: 64, ports: 2,
    subsystemVendorId: '1590', subsystemDeviceId: '0000', vfOffset: 16, vfStride: 1, vfOffsetPerPort: 63, rejects: {},
  },
  'hpe-631sfp28': {
    hpeName: 'HPE Ethernet 10/25Gb 2-port 631SFP28 Adapter', chip: 'Broadcom BCM57414', vendorId: '14e4',
    pfDeviceId: '16d7', vfDeviceId: '16dc', pfDriver: 'bnxt_en', vfDriver: 'bnxt_en', totalVfsPerPort: 64, ports: 2,
    subsystemVendorId: '1590', subsystemDeviceId: '020e', vfOffset: 8, vfStride: 1, vfOffsetPerPort: 63, rejects: {},
  },
  'hpe-640sfp28': {
    // mlx5: sriov_totalvfs is the firmware's NUM_OF_VFS (set with mlxconfig), here 8.
    hpeName: 'HPE Ethernet 10/25Gb 2-port 640SFP28 Adapter', chip: 'Mellanox ConnectX-4 Lx', vendorId: '15b3',
    pfDeviceId: '1015', vfDeviceId: '1016', pfDriver: 'mlx5_core', vfDriver: 'mlx5_core', totalVfsPerPort: 8, ports: 2,
    subsystemVendorId: '1590', subsystemDeviceId: '00d4', vfOffset: 2, vfStride: 1, vfOffsetPerPort: 7, rejects: {},
  },
  'intel-e810-2p': {
    // ice: 256 VFs a device, split across the two ports.
    hpeName: 'Intel E810-XXVDA2 Ethernet 10/25Gb 2-port SFP28 Adapter for HPE', chip: 'Intel E810', vendorId: '8086',
    pfDeviceId: '159b', vfDeviceId: '1889', pfDriver: 'ice', vfDriver: 'iavf', totalVfsPerPort: 128, ports: 2,
    subsystemVendorId: '1590', subsystemDeviceId: '02d4', vfOffset: 256, vfStride: 1, vfOffsetPerPort: 127, rejects: {},
  },
  'intel-e810-4p': {
    // ice: 256 VFs a device; four ports at 64 each.
    hpeName: 'Intel E810-XXVDA4 Ethernet 10/25Gb 4-port SFP28 Adapter for HPE', chip: 'Intel E810', vendorId: '8086',
    pfDeviceId: '159b', vfDeviceId: '1889', pfDriver: 'ice', vfDriver: 'iavf', totalVfsPerPort: 64, ports: 4,
    subsystemVendorId: '1590', subsystemDeviceId: '02d4', vfOffset: 256, vfStride: 1, vfOffsetPerPort: 63, rejects: {},
  },
  'nvidia-bf2-2p': {
    // A DPU: the BlueField-2's ConnectX-6 Dx functions, NUM_OF_VFS 127 per port in firmware. The
    // recorded iLO 5 said SRIOVVEPACapable false for it while its VFs were enabled.
    hpeName: 'NVIDIA BlueField-2 25GbE 2-port SFP56 DPU', chip: 'NVIDIA BlueField-2 (ConnectX-6 Dx)', vendorId: '15b3',
    pfDeviceId: 'a2d6', vfDeviceId: '101e', pfDriver: 'mlx5_core', vfDriver: 'mlx5_core', totalVfsPerPort: 127, ports: 2,
    subsystemVendorId: '15b3', subsystemDeviceId: '0061', vfOffset: 2, vfStride: 1, vfOffsetPerPort: 126, rejects: {},
  },
  'hpe-366flr': {
    // igb reports 7 though the I350 can do 8 (the driver keeps one pool for the PF).
    hpeName: 'HPE Ethernet 1Gb 4-port 366FLR Adapter', chip: 'Intel I350', vendorId: '8086',
    pfDeviceId: '1521', vfDeviceId: '1520', pfDriver: 'igb', vfDriver: 'igbvf', totalVfsPerPort: 7, chipTotalVfsPerPort: 8, ports: 4,
    subsystemVendorId: '103c', subsystemDeviceId: '8157', vfOffset: 128, vfStride: 4, vfOffsetPerPort: 0, rejects: { linkState: true, minTxRate: true },
  },
  'hpe-331i': {
    // The embedded LOM of many Gen9 servers: tg3 has no sriov_configure and the chip no SR-IOV capability.
    hpeName: 'HPE Ethernet 1Gb 4-port 331i Adapter', chip: 'Broadcom BCM5719', vendorId: '14e4',
    pfDeviceId: '1657', vfDeviceId: null, pfDriver: 'tg3', vfDriver: null, totalVfsPerPort: 0, ports: 4,
    subsystemVendorId: '103c', subsystemDeviceId: '22be', vfOffset: 0, vfStride: 0, vfOffsetPerPort: 0, rejects: {},
  },
} satisfies Record<string, NicModel>;

export type NicModelId = keyof typeof NIC_MODELS;

export interface NicPlacement {
  model: NicModelId;
  /** PCI bus of port 0; port N is function N. */
  bus: number;
  /** PCIe slot: netdev names are ens<slot>f<port>. null: embedded (LOM, FlexibleLOM), netdevs eno1, eno2, ... */
  slot: number | null;
  numaNode: number;
  /** Leave the PF driver unbound (blacklisted, or bound by hand to vfio-pci and released). */
  unbound?: boolean;
  /**
   * SR-IOV turned off in the NIC's own firmware (mlxconfig SRIOV_EN=0): the function shows no
   * SR-IOV capability, so no sriov_* files, and the iLO reports MaxVirtualFunctions 0.
   */
  firmwareSriovOff?: boolean;
  /** How the host's iLO reports this adapter where a recorded iLO differs from plain Redfish. */
  ilo?: { vepaCapable?: boolean; onlyInBaseNetworkAdapters?: boolean };
}

export interface OtherFunction {
  address: string;
  vendorId: string;
  deviceId: string;
  classCode: string;
  driver: string | null;
}

/**
 * What runs inside a simulated VM, as its QEMU guest agent reports it. Default: a RHEL 9 guest
 * with qemu-guest-agent running, every VF driver there and guest-exec allowed.
 */
export interface GuestProfile {
  /** no-channel: the domain has no org.qemu.guest_agent.0 channel; not-installed: the channel, nothing answering in the guest. */
  agent?: 'running' | 'no-channel' | 'not-installed';
  os?: GuestOsId;
  /** VF drivers the guest image lacks (an old or minimal image): those VFs show on its PCI bus with no interface. */
  missingDrivers?: string[];
  /** qemu-ga --block-rpcs=guest-exec,guest-exec-status when false. Default true. */
  exec?: boolean;
}

export type GuestOsId = 'rhel9' | 'ubuntu2204' | 'windows2022';

export interface VmDefinition {
  name: string;
  autostart: boolean;
  running: boolean;
  /** A running domain whose vCPUs are stopped (`virsh suspend`); it keeps its devices. */
  paused?: boolean;
  /** Default 2. */
  vcpus?: number;
  /** Default 4096. */
  memoryMiB?: number;
  /** Host node its memory and vCPUs are bound to (numatune + vcpu cpuset); unset: not pinned. */
  numaNode?: number;
  guest?: GuestProfile;
}

export interface HostProfile {
  id: string;
  model: string;
  iloGeneration: 'iLO 4' | 'iLO 5' | 'iLO 6';
  cpuVendor: CpuVendor;
  /** Host NUMA nodes (virsh capabilities); default: enough for every NIC and VM placement. */
  numaNodes?: number;
  /** What the iLO reports; default: its generation's usual firmware and BIOS. */
  iloFirmware?: string;
  biosVersion?: string;
  kernelRelease: string;
  cmdline: string;
  /** Whether the kernel turns the IOMMU on without intel_iommu=on (AMD always does). */
  iommuDefaultOn: boolean;
  bios: { sriov: boolean; iommu: boolean };
  /** Modules listed in modules-load.d as the host is handed over. */
  modulesLoad: string[];
  nics: NicPlacement[];
  others: OtherFunction[];
  vms: VmDefinition[];
}

// HPE's iLO video function, present on every ProLiant: a PCI function without SR-IOV.
export const ILO_VGA: OtherFunction = { address: '0000:01:00.1', vendorId: '102b', deviceId: '0538', classCode: '030000', driver: 'mgag200' };

const RHEL9_CMDLINE = 'BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap';

const DEMO_VMS: VmDefinition[] = [
  { name: 'vm-web-01', autostart: true, running: true, vcpus: 2, memoryMiB: 4096, numaNode: 0 },
  { name: 'vm-db-01', autostart: false, running: false },
];

export const HOST_PROFILES: Record<string, HostProfile> = {
  'dl380-gen10': {
    id: 'dl380-gen10', model: 'ProLiant DL380 Gen10', iloGeneration: 'iLO 5', cpuVendor: 'intel',
    kernelRelease: '5.14.0-427.13.1.el9_4.x86_64', cmdline: `${RHEL9_CMDLINE} intel_iommu=on iommu=pt`, iommuDefaultOn: false,
    bios: { sriov: true, iommu: true },
    modulesLoad: ['vfio-pci'],
    nics: [
      { model: 'hpe-560sfp+', bus: 0x12, slot: 1, numaNode: 0 },
      { model: 'hpe-366flr', bus: 0x02, slot: 2, numaNode: 0 },
    ],
    others: [ILO_VGA], vms: DEMO_VMS,
  },
  'dl385-gen10-plus-v2': {
    // Two EPYC sockets at NPS2: four nodes, the NICs on nodes 1 and 2.
    id: 'dl385-gen10-plus-v2', model: 'ProLiant DL385 Gen10 Plus v2', iloGeneration: 'iLO 5', cpuVendor: 'amd', numaNodes: 4,
    kernelRelease: '6.1.0-26-amd64', cmdline: 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-26-amd64 root=UUID=3f0c0bd5-1b9e-4d0a-9a59-3c8b1f0d2e11 ro quiet', iommuDefaultOn: true,
    bios: { sriov: true, iommu: true },
    modulesLoad: ['vfio-pci'],
    nics: [
      { model: 'hpe-640sfp28', bus: 0x41, slot: 2, numaNode: 1 },
      { model: 'hpe-631sfp28', bus: 0x81, slot: 3, numaNode: 2 },
    ],
    others: [ILO_VGA], vms: DEMO_VMS,
  },
  'dl360-gen11': {
    id: 'dl360-gen11', model: 'ProLiant DL360 Gen11', iloGeneration: 'iLO 6', cpuVendor: 'intel',
    kernelRelease: '5.14.0-427.13.1.el9_4.x86_64', cmdline: RHEL9_CMDLINE, iommuDefaultOn: false,
    // As shipped: SR-IOV on, VT-d on, but no intel_iommu=on on the kernel command line.
    bios: { sriov: true, iommu: true },
    modulesLoad: ['vfio-pci'],
    nics: [{ model: 'intel-e810-4p', bus: 0x31, slot: 1, numaNode: 0 }],
    others: [ILO_VGA], vms: DEMO_VMS,
  },
  'dl380-gen9': {
    id: 'dl380-gen9', model: 'ProLiant DL380 Gen9', iloGeneration: 'iLO 4', cpuVendor: 'intel',
    kernelRelease: '4.18.0-553.el8_10.x86_64', cmdline: 'BOOT_IMAGE=(hd0,msdos1)/vmlinuz-4.18.0-553.el8_10.x86_64 root=/dev/mapper/rhel-root ro', iommuDefaultOn: false,
    // BIOS defaults of the time: SR-IOV and VT-d off.
    bios: { sriov: false, iommu: false },
    modulesLoad: [],
    nics: [{ model: 'hpe-562sfp+', bus: 0x04, slot: 1, numaNode: 0 }],
    others: [ILO_VGA], vms: DEMO_VMS,
  },
  /** The benchmark host: 4 PFs x 64 VFs. */
  'bench-4x64': {
    id: 'bench-4x64', model: 'ProLiant DL380 Gen11', iloGeneration: 'iLO 6', cpuVendor: 'intel',
    kernelRelease: '5.14.0-427.13.1.el9_4.x86_64', cmdline: `${RHEL9_CMDLINE} intel_iommu=on iommu=pt`, iommuDefaultOn: false,
    bios: { sriov: true, iommu: true },
    modulesLoad: ['vfio-pci'],
    nics: [{ model: 'intel-e810-4p', bus: 0x31, slot: 1, numaNode: 0 }],
    others: [ILO_VGA], vms: DEMO_VMS,
  },
};

/** Host NUMA nodes: as the profile says, else enough for every NIC and VM placed on one (at least 1). */
export function numaNodeCount(profile: HostProfile): number {
  const used = [...profile.nics.map((n) => n.numaNode), ...profile.vms.map((v) => v.numaNode ?? 0)];
  return profile.numaNodes ?? Math.max(0, ...used) + 1;
}

export function hostProfile(id: string): HostProfile {
  const profile = HOST_PROFILES[id];
  if (!profile) throw new Error(`unknown host profile "${id}"; known: ${Object.keys(HOST_PROFILES).join(', ')}`);
  return profile;
}
