// A known fleet for unit tests and benchmarks: a deterministic description of realistic ProLiant
// hosts, some ready for SR-IOV and some not, each failing a different link of the readiness chain,
// written straight into the inventory by seed-fleet.ts. The running demo does not use it: its
// hosts are simulated agents and iLOs (agent/src/sim/demo-fleet.ts tells the same stories).

import { createHash } from 'node:crypto';
import { NIC_MODELS, type NicModelKey } from '@/lib/inventory/nic-catalog';
import { ILO_FOR_GENERATION, type CpuVendor, type ServerGeneration } from '@/lib/inventory/vocabulary';

export interface DemoNic {
  model: NicModelKey | 'BCM5719';
  /** PCI bus of the card, hex. */
  bus: string;
  slot: string;
  numaNode: number;
  /** VFs enabled per port. */
  vfsPerPort: number;
  /** MaxVirtualFunctions the iLO reports (undefined: the iLO does not report it). */
  firmwareMaxVfs?: number;
  /** SR-IOV turned off in the NIC firmware: the kernel sees no capability. */
  firmwareSriovOff?: boolean;
  /** Port whose PF driver is not bound. */
  unboundPort?: number;
}

export interface DemoHost {
  name: string;
  model: string;
  generation: ServerGeneration;
  cpuVendor: CpuVendor;
  iloFirmware: string;
  biosVersion: string;
  nics: DemoNic[];
  vms: { name: string; vcpus: number; memoryMiB: number; numaNode: number; state: string; vfs: number }[];
  bios: Partial<Record<'Sriov' | 'IntelProcVtd' | 'ProcVirtualization' | 'ProcAmdIoVt' | 'AmdDmaRemapping' | 'WorkloadProfile', string>>;
  pendingBios?: DemoHost['bios'];
  cmdline?: string;
  vfioPciLoaded?: boolean;
  agent: 'online' | 'offline' | 'never-seen';
  /** Why this host is in the demo. */
  story: string;
}

const INTEL_OK = { Sriov: 'Enabled', IntelProcVtd: 'Enabled', ProcVirtualization: 'Enabled', WorkloadProfile: 'Virtualization-MaxPerformance' };
const AMD_OK = { Sriov: 'Enabled', ProcAmdIoVt: 'Enabled', AmdDmaRemapping: 'Enabled', ProcVirtualization: 'Enabled', WorkloadProfile: 'Virtualization-MaxPerformance' };
const INTEL_CMDLINE = 'BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M intel_iommu=on iommu=pt';
const AMD_CMDLINE = 'BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M amd_iommu=on iommu=pt';

const vm = (name: string, numaNode: number, vfs: number, state = 'running', vcpus = 8, memoryMiB = 16384) => ({ name, vcpus, memoryMiB, numaNode, state, vfs });

export const DEMO_HOSTS: DemoHost[] = [
  {
    name: 'kvm-a01', model: 'ProLiant DL380 Gen10', generation: 'Gen10', cpuVendor: 'Intel', iloFirmware: '2.72', biosVersion: 'U30 v2.76 (02/09/2023)',
    nics: [{ model: '560SFP+', bus: '12', slot: 'NIC.Slot.1', numaNode: 0, vfsPerPort: 8, firmwareMaxVfs: 64 }],
    vms: [vm('vnf-fw-01', 0, 2), vm('vnf-fw-02', 0, 2), vm('upf-01', 1, 1, 'running', 16, 32768), vm('build-runner-01', 1, 0, 'shut off', 4, 8192)],
    bios: INTEL_OK, cmdline: INTEL_CMDLINE, agent: 'online', story: 'Ready: 560SFP+ with VFs in use',
  },
  {
    name: 'kvm-a02', model: 'ProLiant DL380 Gen10', generation: 'Gen10', cpuVendor: 'Intel', iloFirmware: '2.72', biosVersion: 'U30 v2.76 (02/09/2023)',
    nics: [{ model: '562SFP+', bus: '37', slot: 'NIC.Slot.2', numaNode: 0, vfsPerPort: 16 }],
    vms: [vm('dpdk-gw-01', 0, 2, 'running', 12, 24576), vm('dpdk-gw-02', 0, 2, 'running', 12, 24576), vm('lb-01', 1, 1)],
    bios: INTEL_OK, cmdline: INTEL_CMDLINE, agent: 'online', story: 'Ready: X710',
  },
  {
    name: 'kvm-a03', model: 'ProLiant DL360 Gen10 Plus', generation: 'Gen10 Plus', cpuVendor: 'Intel', iloFirmware: '2.81', biosVersion: 'U46 v1.72 (09/12/2022)',
    nics: [{ model: 'E810', bus: '31', slot: 'NIC.Slot.1', numaNode: 0, vfsPerPort: 16, firmwareMaxVfs: 128 }],
    vms: [vm('cnf-smf-01', 0, 3, 'running', 16, 32768), vm('cnf-amf-01', 0, 2), vm('cnf-nrf-01', 1, 1, 'paused')],
    bios: INTEL_OK, cmdline: INTEL_CMDLINE, agent: 'online', story: 'Ready: E810',
  },
  {
    name: 'kvm-a04', model: 'ProLiant DL360 Gen10 Plus', generation: 'Gen10 Plus', cpuVendor: 'Intel', iloFirmware: '2.81', biosVersion: 'U46 v1.72 (09/12/2022)',
    nics: [{ model: 'E810', bus: '31', slot: 'NIC.Slot.1', numaNode: 0, vfsPerPort: 0, firmwareMaxVfs: 128 }],
    vms: [vm('web-01', 0, 0), vm('web-02', 1, 0)],
    bios: { ...INTEL_OK, Sriov: 'Disabled' }, cmdline: INTEL_CMDLINE, agent: 'online', story: 'Not ready: BIOS Sriov disabled',
  },
  {
    name: 'kvm-b01', model: 'ProLiant DL385 Gen10 Plus v2', generation: 'Gen10 Plus', cpuVendor: 'AMD', iloFirmware: '2.78', biosVersion: 'A42 v2.60 (08/11/2022)',
    nics: [{ model: '640SFP28', bus: 'c1', slot: 'NIC.Slot.3', numaNode: 1, vfsPerPort: 8, firmwareMaxVfs: 8 }],
    vms: [vm('ran-du-01', 1, 2, 'running', 24, 65536), vm('ran-cu-01', 1, 2), vm('ran-du-02', 0, 1, 'running', 24, 65536)],
    bios: AMD_OK, cmdline: AMD_CMDLINE, agent: 'online', story: 'Ready: AMD with ConnectX-4 Lx; one VM on the far NUMA node',
  },
  {
    name: 'kvm-b02', model: 'ProLiant DL385 Gen10 Plus v2', generation: 'Gen10 Plus', cpuVendor: 'AMD', iloFirmware: '2.78', biosVersion: 'A42 v2.60 (08/11/2022)',
    nics: [{ model: '640SFP28', bus: 'c1', slot: 'NIC.Slot.3', numaNode: 1, vfsPerPort: 0, firmwareMaxVfs: 8 }],
    vms: [vm('db-01', 0, 0, 'running', 32, 131072)],
    bios: { ...AMD_OK, ProcAmdIoVt: 'Disabled' }, cmdline: AMD_CMDLINE, agent: 'online', story: 'Not ready: AMD IOMMU off in BIOS, so no IOMMU groups',
  },
  {
    name: 'kvm-b03', model: 'ProLiant DL385 Gen11', generation: 'Gen11', cpuVendor: 'AMD', iloFirmware: '1.55', biosVersion: 'A55 v1.50 (10/10/2023)',
    nics: [{ model: 'E810', bus: '41', slot: 'NIC.Slot.1', numaNode: 0, vfsPerPort: 32, firmwareMaxVfs: 128 }, { model: 'BlueField-2', bus: 'c2', slot: 'NIC.Slot.4', numaNode: 1, vfsPerPort: 4, firmwareMaxVfs: 127 }],
    vms: [vm('upf-11', 0, 4, 'running', 32, 65536), vm('upf-12', 0, 4, 'running', 32, 65536), vm('smf-11', 1, 2), vm('test-01', 1, 0, 'shut off', 2, 4096)],
    bios: AMD_OK, cmdline: AMD_CMDLINE, agent: 'online', story: 'Ready: Gen11 with two adapters, one a BlueField-2 DPU',
  },
  {
    name: 'kvm-c01', model: 'ProLiant DL380 Gen11', generation: 'Gen11', cpuVendor: 'Intel', iloFirmware: '1.55', biosVersion: 'U54 v1.48 (09/21/2023)',
    nics: [{ model: '631SFP28', bus: '17', slot: 'NIC.Slot.2', numaNode: 0, vfsPerPort: 8 }],
    vms: [vm('fw-21', 0, 2), vm('fw-22', 1, 2)],
    bios: INTEL_OK, cmdline: INTEL_CMDLINE, agent: 'online', story: 'Ready: Broadcom 631SFP28',
  },
  {
    name: 'kvm-c02', model: 'ProLiant DL380 Gen11', generation: 'Gen11', cpuVendor: 'Intel', iloFirmware: '1.55', biosVersion: 'U54 v1.48 (09/21/2023)',
    nics: [{ model: '560SFP+', bus: '17', slot: 'NIC.Slot.2', numaNode: 0, vfsPerPort: 0, firmwareMaxVfs: 64 }],
    vms: [vm('app-31', 0, 0)],
    bios: { ...INTEL_OK, IntelProcVtd: 'Disabled' }, pendingBios: { IntelProcVtd: 'Enabled' }, cmdline: INTEL_CMDLINE, agent: 'online',
    story: 'Not ready: VT-d enabled but pending a reboot',
  },
  {
    name: 'kvm-c03', model: 'ProLiant DL360 Gen9', generation: 'Gen9', cpuVendor: 'Intel', iloFirmware: '2.82', biosVersion: 'P89 v2.90 (04/29/2021)',
    nics: [{ model: '366FLR', bus: '02', slot: 'NIC.FlexLOM.1', numaNode: 0, vfsPerPort: 0 }, { model: '560SFP+', bus: '04', slot: 'NIC.Slot.1', numaNode: 0, vfsPerPort: 0 }],
    vms: [vm('legacy-01', 0, 0, 'running', 4, 8192)],
    bios: { Sriov: 'Enabled', IntelProcVtd: 'Enabled', ProcVirtualization: 'Enabled' },
    cmdline: 'BOOT_IMAGE=/vmlinuz-4.18.0-553.el8_10.x86_64 root=/dev/mapper/rhel-root ro crashkernel=auto rhgb quiet', agent: 'online',
    story: 'Not ready: iLO 4 host whose kernel command line lacks intel_iommu=on',
  },
  {
    name: 'kvm-c04', model: 'ProLiant DL380 Gen9', generation: 'Gen9', cpuVendor: 'Intel', iloFirmware: '2.82', biosVersion: 'P89 v2.90 (04/29/2021)',
    nics: [{ model: 'BCM5719', bus: '02', slot: 'NIC.LOM.1', numaNode: 0, vfsPerPort: 0 }],
    vms: [vm('jump-01', 0, 0, 'running', 2, 4096)],
    bios: { Sriov: 'Enabled', IntelProcVtd: 'Enabled', ProcVirtualization: 'Enabled' }, cmdline: INTEL_CMDLINE, agent: 'online',
    story: 'Not ready: only the embedded 331i, which has no SR-IOV',
  },
  {
    name: 'kvm-d01', model: 'ProLiant DL380 Gen10', generation: 'Gen10', cpuVendor: 'Intel', iloFirmware: '2.65', biosVersion: 'U30 v2.60 (05/21/2022)',
    nics: [{ model: '560SFP+', bus: '12', slot: 'NIC.Slot.1', numaNode: 0, vfsPerPort: 4, firmwareMaxVfs: 64 }],
    vms: [vm('ci-01', 0, 0)],
    bios: INTEL_OK, cmdline: INTEL_CMDLINE, vfioPciLoaded: false, agent: 'online', story: 'Not ready: vfio_pci module not loaded',
  },
  {
    name: 'kvm-d02', model: 'ProLiant DL360 Gen10', generation: 'Gen10', cpuVendor: 'Intel', iloFirmware: '2.72', biosVersion: 'U32 v2.76 (02/09/2023)',
    nics: [{ model: '562SFP+', bus: '5d', slot: 'NIC.Slot.1', numaNode: 0, vfsPerPort: 0 }],
    vms: [vm('hft-01', 0, 0, 'running', 16, 32768)],
    bios: { ...INTEL_OK, Sriov: 'Disabled', WorkloadProfile: 'LowLatency' }, cmdline: INTEL_CMDLINE, agent: 'online',
    story: 'Not ready: the LowLatency workload profile forces Sriov off',
  },
  {
    name: 'kvm-d03', model: 'ProLiant DL385 Gen10 Plus', generation: 'Gen10 Plus', cpuVendor: 'AMD', iloFirmware: '2.78', biosVersion: 'A42 v2.60 (08/11/2022)',
    nics: [], vms: [],
    bios: AMD_OK, agent: 'never-seen', story: 'Unknown: just registered, the agent has not reported yet',
  },
  {
    name: 'kvm-d04', model: 'ProLiant DL380 Gen10', generation: 'Gen10', cpuVendor: 'Intel', iloFirmware: '2.72', biosVersion: 'U30 v2.76 (02/09/2023)',
    nics: [{ model: '560SFP+', bus: '12', slot: 'NIC.Slot.1', numaNode: 1, vfsPerPort: 4, firmwareMaxVfs: 64 }],
    vms: [vm('batch-01', 1, 1)],
    bios: INTEL_OK, cmdline: INTEL_CMDLINE, agent: 'offline', story: 'Agent offline for two hours; last report was ready',
  },
  {
    name: 'kvm-e01', model: 'ProLiant DL380 Gen10 Plus', generation: 'Gen10 Plus', cpuVendor: 'Intel', iloFirmware: '2.81', biosVersion: 'U46 v1.72 (09/12/2022)',
    nics: [{ model: '640SFP28', bus: '98', slot: 'NIC.Slot.3', numaNode: 1, vfsPerPort: 0, firmwareMaxVfs: 0, firmwareSriovOff: true }],
    vms: [vm('media-01', 1, 0)],
    bios: INTEL_OK, cmdline: INTEL_CMDLINE, agent: 'online', story: 'Not ready: SR-IOV off in the ConnectX firmware (SRIOV_EN=0)',
  },
];

/** Broadcom BCM5719 (HPE 331i/331FLR): common in Gen9 servers, no SR-IOV. */
export const NON_SRIOV_NIC = {
  name: 'HPE Ethernet 1Gb 4-port 331i Adapter',
  vendorId: '14e4',
  deviceId: '1657',
  pfDriver: 'tg3',
  ports: 4,
  speedMbps: 1_000,
};

/** VF routing offsets and strides as the chips report them (sriov_offset, sriov_stride). */
const VF_LAYOUT: Partial<Record<NicModelKey, { offset: number; stride: number }>> = {
  '560SFP+': { offset: 0x80, stride: 2 },
  '562SFP+': { offset: 0x10, stride: 1 },
  '631SFP28': { offset: 0x08, stride: 1 },
  '640SFP28': { offset: 0x02, stride: 1 },
  'BlueField-2': { offset: 0x02, stride: 1 },
  E810: { offset: 0x100, stride: 1 },
  '366FLR': { offset: 0x80, stride: 4 },
};

export function pciAddress(bus: number, devfn: number): string {
  const b = (bus + (devfn >> 8)) & 0xff;
  const df = devfn & 0xff;
  return `0000:${b.toString(16).padStart(2, '0')}:${(df >> 3).toString(16).padStart(2, '0')}.${df & 7}`;
}

/** Same name, same bytes: locally administered MACs derived from a stable label. */
export function demoMac(label: string): string {
  const bytes = createHash('sha256').update(label).digest().subarray(0, 5);
  return ['52', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

export function stableId(kind: string, key: string): string {
  return `${kind}_${createHash('sha256').update(`${kind}/${key}`).digest('hex').slice(0, 20)}`;
}

export function vfAddress(nic: DemoNic, port: number, index: number): string {
  const layout = nic.model === 'BCM5719' ? undefined : VF_LAYOUT[nic.model];
  if (!layout) throw new Error(`${nic.model} has no VFs`);
  const model = NIC_MODELS[nic.model as NicModelKey];
  // Chips whose stride covers all their ports interleave the ports' VFs (82599: PF0 even, PF1
  // odd); the others give each port a consecutive block after the first PF.
  const routingId = layout.stride >= model.ports ? port + layout.offset + layout.stride * index : layout.offset + (port * model.totalVfs + index) * layout.stride;
  return pciAddress(parseInt(nic.bus, 16), routingId);
}

export function netdevName(nic: DemoNic, port: number): string {
  if (!nic.slot.includes('Slot')) return `eno${port + 1}`;
  const slotNumber = nic.slot.match(/(\d+)$/)?.[1] ?? '0';
  // mlx5 and ice add the physical port name ("np0") to the predictable name; the others do not.
  const portName = nic.model === '640SFP28' || nic.model === 'E810' ? `np${port}` : '';
  return `ens${slotNumber}f${port}${portName}`;
}

export function iloGenerationFor(host: DemoHost) {
  return ILO_FOR_GENERATION[host.generation];
}

export function nicPorts(nic: DemoNic): number {
  return nic.model === 'BCM5719' ? NON_SRIOV_NIC.ports : NIC_MODELS[nic.model].ports;
}
