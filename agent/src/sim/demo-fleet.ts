// The demo fleet (`sriov-sim --fleet demo`): the 16 hosts of the dashboard's demo
// (lib/demo/demo-fleet.ts), same names, models, NICs, VMs and stories, as simulated hosts, each
// with its agent and its iLO. Every story comes from the simulation's own mechanisms, never from
// a doctored inventory: VF counts and vfio-pci bindings set through the host's agent (so they are
// its desired state and come back after a reboot), VMs holding VFs through libvirt, BIOS values,
// pending values and workload-profile locks in the iLO, kernel arguments and modules-load.d in
// the host's boot configuration, SR-IOV missing from a chip or from a NIC's firmware in the PCI
// functions themselves, a host powered off in its iLO.

import { createHash } from 'node:crypto';
import type { LogFn } from '../agent';
import { SimulatedAgent, iloShapeFor } from './fleet';
import { SimulatedHost } from './host';
import { defaultBios, locksFor, type SimBiosValue } from './ilo/bios-attributes';
import { type IloSimulator, iloOptionsForHost, startIloSimulator } from './ilo/index';
import type { SimRedfishShape } from './ilo/nics';
import { pciAddress, type SimTiming } from './kernel';
import { ILO_VGA, NIC_MODELS, type GuestProfile, type HostProfile, type NicModelId } from './profiles';

export interface DemoNic {
  model: NicModelId;
  bus: number;
  /** PCIe slot; null for an embedded adapter (LOM, FlexibleLOM). */
  slot: number | null;
  numaNode: number;
  /** VFs the agent enables on each port at start. */
  vfsPerPort: number;
  firmwareSriovOff?: boolean;
  /** How the iLO reports the adapter, as recorded from real iLO 5s (see SimNic). */
  ilo?: { vepaCapable?: boolean; onlyInBaseNetworkAdapters?: boolean };
}

export interface DemoVm {
  name: string;
  vcpus: number;
  memoryMiB: number;
  numaNode: number;
  state: 'running' | 'paused' | 'shut off';
  /** VFs it holds, taken from the PFs on its own NUMA node first. */
  vfs: number;
  /** What its guest agent reports; default a RHEL 9 guest with every VF driver. */
  guest?: GuestProfile;
}

/**
 * running: the agent answers. not-installed: the iLO answers, nothing listens on the agent's
 * port, and a reset through the iLO reboots the host without bringing an agent. powered-off: the
 * iLO says Off and the agent is down until the host is powered on through the iLO.
 */
export type DemoAgent = 'running' | 'not-installed' | 'powered-off';

export interface DemoHost {
  name: string;
  model: string;
  iloGeneration: HostProfile['iloGeneration'];
  cpuVendor: 'intel' | 'amd';
  iloFirmware: string;
  biosVersion: string;
  kernelRelease: string;
  cmdline: string;
  modulesLoad: string[];
  nics: DemoNic[];
  vms: DemoVm[];
  /** BIOS attributes in the iLO at start, over its defaults; a workload profile's locks win, as on the server. */
  bios: Record<string, string>;
  /** PATCHed into the iLO's settings object, waiting for the next reset. */
  pendingBios?: Record<string, string>;
  /** Asked for before the last reset and refused by the iLO then (Bios.@Redfish.Settings.Messages). */
  refusedAtLastBoot?: Record<string, string>;
  agent: DemoAgent;
  story: string;
  /** The iLO's Redfish layout where it follows a recorded iLO 5 rather than the usual one. */
  redfishShape?: SimRedfishShape;
}

const EL9 = '5.14.0-427.13.1.el9_4.x86_64';
const EL8 = '4.18.0-553.el8_10.x86_64';
const el9Cmdline = (args: string) => `BOOT_IMAGE=(hd0,gpt2)/vmlinuz-${EL9} root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M ${args}`;
const el8Cmdline = (args: string) => `BOOT_IMAGE=/vmlinuz-${EL8} root=/dev/mapper/rhel-root ro crashkernel=auto rhgb quiet${args ? ` ${args}` : ''}`;
const INTEL_CMDLINE = el9Cmdline('intel_iommu=on iommu=pt');
const AMD_CMDLINE = el9Cmdline('amd_iommu=on iommu=pt');

// A Virtualization-* workload profile forces SR-IOV, VT-d and AMD-Vi on and locks them: a host
// with one of them off runs the Custom profile (the dashboard's seed pairs them with
// Virtualization-MaxPerformance, which no iLO would show).
const INTEL_OK = { Sriov: 'Enabled', IntelProcVtd: 'Enabled', ProcVirtualization: 'Enabled', WorkloadProfile: 'Virtualization-MaxPerformance' };
const AMD_OK = { Sriov: 'Enabled', ProcAmdIoVt: 'Enabled', AmdDmaRemapping: 'Enabled', ProcVirtualization: 'Enabled', WorkloadProfile: 'Virtualization-MaxPerformance' };
const GEN9_OK = { Sriov: 'Enabled', IntelProcVtd: 'Enabled', ProcVirtualization: 'Enabled' };
const VFIO = ['vfio-pci'];

const vm = (name: string, numaNode: number, vfs: number, state: DemoVm['state'] = 'running', vcpus = 8, memoryMiB = 16384, guest?: GuestProfile): DemoVm => ({ name, vcpus, memoryMiB, numaNode, state, vfs, ...(guest ? { guest } : {}) });

export const DEMO_HOSTS: readonly DemoHost[] = [
  {
    name: 'kvm-a01', model: 'ProLiant DL380 Gen10', iloGeneration: 'iLO 5', cpuVendor: 'intel', iloFirmware: '2.72', biosVersion: 'U30 v2.76 (02/09/2023)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'hpe-560sfp+', bus: 0x12, slot: 1, numaNode: 0, vfsPerPort: 8 }],
    vms: [vm('vnf-fw-01', 0, 2), vm('vnf-fw-02', 0, 2), vm('upf-01', 1, 1, 'running', 16, 32768), vm('build-runner-01', 1, 0, 'shut off', 4, 8192)],
    bios: INTEL_OK, agent: 'running', story: 'Ready: 560SFP+ with VFs in use',
  },
  {
    name: 'kvm-a02', model: 'ProLiant DL380 Gen10', iloGeneration: 'iLO 5', cpuVendor: 'intel', iloFirmware: '2.72', biosVersion: 'U30 v2.76 (02/09/2023)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'hpe-562sfp+', bus: 0x37, slot: 2, numaNode: 0, vfsPerPort: 16 }],
    vms: [vm('dpdk-gw-01', 0, 2, 'running', 12, 24576), vm('dpdk-gw-02', 0, 2, 'running', 12, 24576), vm('lb-01', 1, 1, 'running', 8, 16384, { missingDrivers: ['iavf'] })],
    bios: INTEL_OK, agent: 'running', story: 'Ready: X710',
    // As recorded: PCI devices only as the system's PCIeDevices, an array of links.
    redfishShape: { pciDevices: 'pcie-links' },
  },
  {
    name: 'kvm-a03', model: 'ProLiant DL360 Gen10 Plus', iloGeneration: 'iLO 5', cpuVendor: 'intel', iloFirmware: '2.81', biosVersion: 'U46 v1.72 (09/12/2022)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'intel-e810-2p', bus: 0x31, slot: 1, numaNode: 0, vfsPerPort: 16 }],
    vms: [vm('cnf-smf-01', 0, 3, 'running', 16, 32768), vm('cnf-amf-01', 0, 2, 'running', 8, 16384, { os: 'ubuntu2204' }), vm('cnf-nrf-01', 1, 1, 'paused')],
    bios: INTEL_OK, agent: 'running', story: 'Ready: E810',
    // As recorded: NetworkAdapters without slot or serial; BaseNetworkAdapters has them.
    redfishShape: { networkAdapterLocations: false, networkAdapterSerials: false },
  },
  {
    name: 'kvm-a04', model: 'ProLiant DL360 Gen10 Plus', iloGeneration: 'iLO 5', cpuVendor: 'intel', iloFirmware: '2.81', biosVersion: 'U46 v1.72 (09/12/2022)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'intel-e810-2p', bus: 0x31, slot: 1, numaNode: 0, vfsPerPort: 0 }],
    vms: [vm('web-01', 0, 0), vm('web-02', 1, 0)],
    bios: { ...INTEL_OK, Sriov: 'Disabled', IntelProcVtd: 'Disabled', WorkloadProfile: 'Custom' }, agent: 'running', story: 'Not ready: SR-IOV and VT-d off in BIOS (factory defaults), so no IOMMU groups',
  },
  {
    name: 'kvm-b01', model: 'ProLiant DL385 Gen10 Plus v2', iloGeneration: 'iLO 5', cpuVendor: 'amd', iloFirmware: '2.78', biosVersion: 'A42 v2.60 (08/11/2022)',
    kernelRelease: EL9, cmdline: AMD_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'hpe-640sfp28', bus: 0xc1, slot: 3, numaNode: 1, vfsPerPort: 8 }],
    vms: [vm('ran-du-01', 1, 2, 'running', 24, 65536), vm('ran-cu-01', 1, 2), vm('ran-du-02', 0, 1, 'running', 24, 65536)],
    bios: AMD_OK, agent: 'running', story: 'Ready: AMD with ConnectX-4 Lx; one VM on the far NUMA node',
  },
  {
    name: 'kvm-b02', model: 'ProLiant DL385 Gen10 Plus v2', iloGeneration: 'iLO 5', cpuVendor: 'amd', iloFirmware: '2.78', biosVersion: 'A42 v2.60 (08/11/2022)',
    kernelRelease: EL9, cmdline: AMD_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'hpe-640sfp28', bus: 0xc1, slot: 3, numaNode: 1, vfsPerPort: 0 }],
    vms: [vm('db-01', 0, 0, 'running', 32, 131072)],
    bios: { ...AMD_OK, ProcAmdIoVt: 'Disabled', WorkloadProfile: 'Custom' }, agent: 'running', story: 'Not ready: AMD IOMMU off in BIOS, so no IOMMU groups',
  },
  {
    name: 'kvm-b03', model: 'ProLiant DL385 Gen11', iloGeneration: 'iLO 6', cpuVendor: 'amd', iloFirmware: '1.55', biosVersion: 'A55 v1.50 (10/10/2023)',
    kernelRelease: EL9, cmdline: AMD_CMDLINE, modulesLoad: VFIO,
    nics: [
      { model: 'intel-e810-2p', bus: 0x41, slot: 1, numaNode: 0, vfsPerPort: 32 },
      { model: 'nvidia-bf2-2p', bus: 0xc2, slot: 4, numaNode: 1, vfsPerPort: 4, ilo: { vepaCapable: false } },
    ],
    vms: [vm('upf-11', 0, 4, 'running', 32, 65536), vm('upf-12', 0, 4, 'running', 32, 65536), vm('smf-11', 1, 2, 'running', 8, 16384, { agent: 'no-channel' }), vm('test-01', 1, 0, 'shut off', 2, 4096)],
    bios: AMD_OK, agent: 'running', story: 'Ready: Gen11 with two adapters, one a BlueField-2 DPU',
  },
  {
    name: 'kvm-c01', model: 'ProLiant DL380 Gen11', iloGeneration: 'iLO 6', cpuVendor: 'intel', iloFirmware: '1.55', biosVersion: 'U54 v1.48 (09/21/2023)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'hpe-631sfp28', bus: 0x17, slot: 2, numaNode: 0, vfsPerPort: 8 }],
    vms: [vm('fw-21', 0, 2), vm('fw-22', 1, 2, 'running', 8, 16384, { os: 'windows2022' })],
    bios: INTEL_OK, agent: 'running', story: 'Ready: Broadcom 631SFP28',
  },
  {
    name: 'kvm-c02', model: 'ProLiant DL380 Gen11', iloGeneration: 'iLO 6', cpuVendor: 'intel', iloFirmware: '1.55', biosVersion: 'U54 v1.48 (09/21/2023)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'hpe-560sfp+', bus: 0x17, slot: 2, numaNode: 0, vfsPerPort: 0 }],
    vms: [vm('app-31', 0, 0)],
    bios: { ...INTEL_OK, IntelProcVtd: 'Disabled', WorkloadProfile: 'Custom' }, pendingBios: { IntelProcVtd: 'Enabled' },
    agent: 'running', story: 'Not ready: VT-d enabled but pending a reboot',
  },
  {
    name: 'kvm-c03', model: 'ProLiant DL360 Gen9', iloGeneration: 'iLO 4', cpuVendor: 'intel', iloFirmware: '2.82', biosVersion: 'P89 v2.90 (04/29/2021)',
    kernelRelease: EL8, cmdline: el8Cmdline(''), modulesLoad: VFIO,
    nics: [
      { model: 'hpe-366flr', bus: 0x02, slot: null, numaNode: 0, vfsPerPort: 0 },
      { model: 'hpe-560sfp+', bus: 0x04, slot: 1, numaNode: 0, vfsPerPort: 0 },
    ],
    vms: [vm('legacy-01', 0, 0, 'running', 4, 8192)],
    bios: GEN9_OK, agent: 'running', story: 'Not ready: iLO 4 host whose kernel command line lacks intel_iommu=on',
  },
  {
    name: 'kvm-c04', model: 'ProLiant DL380 Gen9', iloGeneration: 'iLO 4', cpuVendor: 'intel', iloFirmware: '2.82', biosVersion: 'P89 v2.90 (04/29/2021)',
    kernelRelease: EL8, cmdline: el8Cmdline('intel_iommu=on iommu=pt'), modulesLoad: VFIO,
    nics: [{ model: 'hpe-331i', bus: 0x02, slot: null, numaNode: 0, vfsPerPort: 0 }],
    vms: [vm('jump-01', 0, 0, 'running', 2, 4096)],
    bios: GEN9_OK, agent: 'running', story: 'Not ready: only the embedded 331i, which has no SR-IOV',
  },
  {
    name: 'kvm-d01', model: 'ProLiant DL380 Gen10', iloGeneration: 'iLO 5', cpuVendor: 'intel', iloFirmware: '2.65', biosVersion: 'U30 v2.60 (05/21/2022)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: [],
    // As recorded for some cards: the 560SFP+ is missing from NetworkAdapters, listed in BaseNetworkAdapters.
    nics: [{ model: 'hpe-560sfp+', bus: 0x12, slot: 1, numaNode: 0, vfsPerPort: 4, ilo: { onlyInBaseNetworkAdapters: true } }],
    vms: [vm('ci-01', 0, 0)],
    bios: INTEL_OK, agent: 'running', story: 'Not ready: vfio_pci module not loaded',
  },
  {
    name: 'kvm-d02', model: 'ProLiant DL360 Gen10', iloGeneration: 'iLO 5', cpuVendor: 'intel', iloFirmware: '2.72', biosVersion: 'U32 v2.76 (02/09/2023)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'hpe-562sfp+', bus: 0x5d, slot: 1, numaNode: 0, vfsPerPort: 0 }],
    vms: [vm('hft-01', 0, 0, 'running', 16, 32768)],
    bios: { ...INTEL_OK, Sriov: 'Disabled', WorkloadProfile: 'LowLatency' }, refusedAtLastBoot: { Sriov: 'Enabled' },
    agent: 'running', story: 'Not ready: the LowLatency workload profile forces Sriov off',
  },
  {
    name: 'kvm-d03', model: 'ProLiant DL385 Gen10 Plus', iloGeneration: 'iLO 5', cpuVendor: 'amd', iloFirmware: '2.78', biosVersion: 'A42 v2.60 (08/11/2022)',
    kernelRelease: EL9, cmdline: AMD_CMDLINE, modulesLoad: VFIO,
    nics: [], vms: [],
    bios: AMD_OK, agent: 'not-installed', story: 'Unknown: just registered, the agent has not reported yet',
  },
  {
    name: 'kvm-d04', model: 'ProLiant DL380 Gen10', iloGeneration: 'iLO 5', cpuVendor: 'intel', iloFirmware: '2.72', biosVersion: 'U30 v2.76 (02/09/2023)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'hpe-560sfp+', bus: 0x12, slot: 1, numaNode: 1, vfsPerPort: 4 }],
    vms: [vm('batch-01', 1, 1)],
    bios: INTEL_OK, agent: 'powered-off', story: 'Unknown: powered off, so its agent cannot report; power it on through the iLO',
  },
  {
    name: 'kvm-e01', model: 'ProLiant DL380 Gen10 Plus', iloGeneration: 'iLO 5', cpuVendor: 'intel', iloFirmware: '2.81', biosVersion: 'U46 v1.72 (09/12/2022)',
    kernelRelease: EL9, cmdline: INTEL_CMDLINE, modulesLoad: VFIO,
    nics: [{ model: 'hpe-640sfp28', bus: 0x98, slot: 3, numaNode: 1, vfsPerPort: 0, firmwareSriovOff: true }],
    vms: [vm('media-01', 1, 0)],
    bios: INTEL_OK, agent: 'running', story: 'Not ready: SR-IOV off in the ConnectX firmware (SRIOV_EN=0)',
  },
];

/** The BIOS the host boots with, as the iLO derives it at power-on (IloMachine.boot). */
export function biosFlags(attributes: Readonly<Record<string, SimBiosValue>>, cpu: 'intel' | 'amd'): { sriov: boolean; iommu: boolean } {
  return { sriov: attributes.Sriov === 'Enabled', iommu: (cpu === 'intel' ? attributes.IntelProcVtd : attributes.ProcAmdIoVt) === 'Enabled' };
}

/** The iLO's current BIOS at start: its defaults, the demo's values, then the workload profile's locks. */
export function demoBios(demo: DemoHost): Record<string, SimBiosValue> {
  const values = { ...defaultBios(demo.cpuVendor), ...demo.bios };
  return { ...values, ...locksFor(String(values.WorkloadProfile ?? ''), demo.cpuVendor) };
}

/** The demo host as a simulator profile: every host is a two-socket server. */
export function demoHostProfile(demo: DemoHost): HostProfile {
  return {
    id: demo.name,
    model: demo.model,
    iloGeneration: demo.iloGeneration,
    cpuVendor: demo.cpuVendor,
    numaNodes: 2,
    iloFirmware: demo.iloFirmware,
    biosVersion: demo.biosVersion,
    kernelRelease: demo.kernelRelease,
    cmdline: demo.cmdline,
    // The kernel turns AMD-Vi on by itself when the BIOS has it; Intel needs intel_iommu=on (RHEL).
    iommuDefaultOn: demo.cpuVendor === 'amd',
    bios: biosFlags(demoBios(demo), demo.cpuVendor),
    modulesLoad: demo.modulesLoad,
    nics: demo.nics.map((n) => ({ model: n.model, bus: n.bus, slot: n.slot, numaNode: n.numaNode, ...(n.firmwareSriovOff ? { firmwareSriovOff: true } : {}), ...(n.ilo ? { ilo: n.ilo } : {}) })),
    others: [ILO_VGA],
    vms: demo.vms.map((v) => ({
      name: v.name,
      // What runs comes back after a reboot; what is shut off stays off.
      autostart: v.state !== 'shut off',
      running: v.state !== 'shut off',
      ...(v.state === 'paused' ? { paused: true } : {}),
      vcpus: v.vcpus,
      memoryMiB: v.memoryMiB,
      numaNode: v.numaNode,
      ...(v.guest ? { guest: v.guest } : {}),
    })),
  };
}

/** "CZ" and 8 characters like an HPE serial, stable per host name (the dashboard's seed derives the same). */
export function demoSerialNumber(name: string): string {
  return `CZ${sha256(name).slice(0, 8).toUpperCase()}`;
}

/** Locally administered unicast MAC, stable per label (the dashboard's seed derives the same). */
export function demoMac(label: string): string {
  const bytes = createHash('sha256').update(label).digest().subarray(0, 5);
  return ['52', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function systemUuid(name: string): string {
  const h = sha256(`system/${name}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

/**
 * What an operator did on this host, through its agent: VFs on each port (recorded as desired
 * state), every fourth free VF bound to vfio-pci for DPDK pools where vfio-pci and an IOMMU are
 * there, then the VMs' VFs attached through libvirt with a MAC and a VLAN, from the PFs on the
 * VM's NUMA node first (the dashboard seed's rule).
 */
export async function bringToStory(host: SimulatedHost, demo: DemoHost): Promise<void> {
  const agent = host.agent;
  const free: { address: string; index: number; numaNode: number }[] = [];
  for (const nic of demo.nics) {
    if (nic.vfsPerPort === 0) continue;
    for (let port = 0; port < NIC_MODELS[nic.model].ports; port++) {
      const { result } = await agent.setNumVfs(pciAddress(nic.bus, 0, port), nic.vfsPerPort);
      for (const vf of result.vfs) free.push({ address: vf.address, index: vf.index, numaNode: nic.numaNode });
    }
  }
  const taken = new Map<string, { vm: string; mac: string; vlan: number }>();
  for (const [vmIndex, v] of demo.vms.entries()) {
    for (let n = 0; n < v.vfs; n++) {
      const pick = free.find((f) => f.numaNode === v.numaNode && !taken.has(f.address)) ?? free.find((f) => !taken.has(f.address));
      if (!pick) throw new Error(`${demo.name}: no VF left for ${v.name}`);
      taken.set(pick.address, { vm: v.name, mac: demoMac(`${demo.name}/${v.name}/${pick.address}`), vlan: 100 + vmIndex * 10 + n });
    }
  }
  const facts = (await agent.inventory()).host;
  if (facts.iommu.active && facts.modules.vfioPci) {
    for (const f of free) if (f.index % 4 === 3 && !taken.has(f.address)) await agent.bind(f.address, 'vfio-pci');
  }
  for (const [vf, t] of taken) await agent.attach(t.vm, { vf, mac: t.mac, vlan: t.vlan });
}

export interface DemoFleetOptions {
  token: string;
  listen?: string;
  /** Agent of host i on basePort + i, iLO on iloBasePort + i; 0 picks free ports. */
  basePort?: number;
  iloBasePort?: number;
  timing?: SimTiming;
  /** How long a host stays away across a reset. */
  bootMs?: number;
  log: LogFn;
  /** Default: all of DEMO_HOSTS. */
  hosts?: readonly DemoHost[];
}

export interface DemoFleetMember {
  demo: DemoHost;
  hostname: string;
  host: SimulatedHost;
  agent: SimulatedAgent;
  ilo: IloSimulator;
}

export interface DemoFleet {
  members: DemoFleetMember[];
  member(name: string): DemoFleetMember;
  close(): Promise<void>;
}

export async function startDemoFleet(options: DemoFleetOptions): Promise<DemoFleet> {
  const hosts = options.hosts ?? DEMO_HOSTS;
  const listen = options.listen ?? '127.0.0.1';
  const started: DemoFleetMember[] = [];
  const partial: { agent?: SimulatedAgent; ilo?: IloSimulator }[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(partial.flatMap((p) => [p.agent?.close(), p.ilo?.close()]));
  };
  const results = await Promise.allSettled(
    hosts.map(async (demo, i): Promise<DemoFleetMember> => {
      const parts: { agent?: SimulatedAgent; ilo?: IloSimulator } = {};
      partial.push(parts);
      const profile = demoHostProfile(demo);
      const ilo = await startIloSimulator({
        ...iloOptionsForHost(iloShapeFor(profile, profile.bios), i + 1),
        bios: demo.bios,
        ...(demo.redfishShape ? { redfishShape: demo.redfishShape } : {}),
        serialNumber: demoSerialNumber(demo.name),
        uuid: systemUuid(demo.name),
        powerState: demo.agent === 'powered-off' ? 'Off' : 'On',
        name: demo.name,
        host: listen,
        port: options.iloBasePort ? options.iloBasePort + i : 0,
      });
      parts.ilo = ilo;
      const machine = ilo.machine;
      if (demo.refusedAtLastBoot) {
        // The last power-on applied the lock of the workload profile and refused these values.
        machine.recordPending(demo.refusedAtLastBoot);
        machine.reset('ForceRestart');
      }
      if (demo.pendingBios) machine.recordPending(demo.pendingBios);

      const host = new SimulatedHost({ profile, log: options.log, ...(options.timing ? { timing: options.timing } : {}) });
      const agent = new SimulatedAgent(host, {
        token: options.token,
        listen,
        port: options.basePort ? options.basePort + i : 0,
        log: options.log,
        ...(options.bootMs !== undefined ? { bootMs: options.bootMs } : {}),
      });
      parts.agent = agent;
      await bringToStory(host, demo).catch((err: unknown) => {
        throw new Error(`${demo.name} (${demo.story}): ${err instanceof Error ? err.message : String(err)}`);
      });
      // Wired after the history above, so that boot is not one the host sees.
      if (demo.agent === 'not-installed') {
        machine.onBoot((event) => host.reboot({ sriov: event.sriov, iommu: event.iommu }));
      } else {
        machine.onBoot((event) => agent.reboot({ sriov: event.sriov, iommu: event.iommu }));
        machine.onPowerOff(() => agent.powerOff());
      }
      if (demo.agent === 'running') await agent.start();
      else await agent.reservePort();
      return { demo, hostname: demo.name, host, agent, ilo };
    }),
  );
  for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  return {
    members: started,
    member: (name) => {
      const found = started.find((m) => m.hostname === name);
      if (!found) throw new Error(`no demo host ${name}`);
      return found;
    },
    close,
  };
}
