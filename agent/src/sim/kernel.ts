import { randomUUID } from 'node:crypto';
import { systemError } from '../errors';
import { NIC_MODELS, numaNodeCount, type HostProfile, type NicModel } from './profiles';
import { SimFs } from './sim-fs';

export interface SimTiming {
  /** The kernel sleeps at least 100 ms in sriov_numvfs when enabling (drivers/pci/iov.c). */
  enableMs: number;
  /** ... and at least 1 s when disabling. */
  disableMs: number;
  /** After a VF is probed, how long until its netdev shows up (udev rename included). */
  netdevMs: number;
}

export const REAL_TIMING: SimTiming = { enableMs: 100, disableMs: 1000, netdevMs: 50 };
export const FAST_TIMING: SimTiming = { enableMs: 0, disableMs: 0, netdevMs: 0 };

export interface VfConfig {
  mac: string;
  vlan: number;
  qos: number;
  spoofchk: boolean;
  trust: boolean;
  linkState: 'auto' | 'enable' | 'disable';
  maxTxRate: number;
  minTxRate: number;
}

interface SriovCap {
  model: NicModel;
  vfDeviceId: string;
  totalVfs: number;
  numVfs: number;
  /** sriov_offset of this PF. */
  offset: number;
  autoprobe: boolean;
  vfs: string[];
  /** What the PF driver keeps per VF; reset when VFs are disabled. */
  vfConfig: VfConfig[];
}

export interface SimDevice {
  address: string;
  vendorId: string;
  deviceId: string;
  classCode: string;
  subsystemVendorId: string;
  subsystemDeviceId: string;
  numaNode: number;
  driver: string | null;
  driverOverride: string | null;
  netdev: string | null;
  /** Name the netdev gets once its driver is bound. */
  netdevName: string | null;
  iommuGroup: number | null;
  sriov: SriovCap | null;
  physfn: string | null;
  vfIndex: number | null;
}

interface SimDriver {
  name: string;
  module: string;
  ids: Set<string>;
  /** Implements sriov_configure (PF drivers). */
  sriov: boolean;
  /** Creates a netdev when bound. */
  network: boolean;
}

export interface BootConfig {
  bios: { sriov: boolean; iommu: boolean };
  cmdline: string;
  /** Modules loaded at boot on top of the drivers (modules-load.d). */
  extraModules: string[];
}

const DEVICES = '/sys/devices/pci0000:00';
const DRIVERS = '/sys/bus/pci/drivers';

/**
 * A Linux kernel as far as SR-IOV shows it in sysfs. Every write goes through the same checks,
 * in the same order, as drivers/pci/iov.c and drivers/pci/pci-driver.c, and fails with the errno
 * the real write(2) returns.
 */
export class SimKernel {
  readonly fs = new SimFs();
  readonly devices = new Map<string, SimDevice>();
  readonly drivers = new Map<string, SimDriver>();
  readonly modules = new Set<string>();
  /** VFs a guest holds: PF drivers refuse to disable VFs while any is assigned. */
  readonly assigned = new Set<string>();
  timing: SimTiming;
  boot!: BootConfig;
  iommuActive = false;
  private nextIommuGroup = 0;
  private readonly deviceLocks = new Map<string, Promise<void>>();
  private generation = 0;

  constructor(
    readonly profile: HostProfile,
    boot: BootConfig,
    timing: SimTiming = REAL_TIMING,
  ) {
    this.timing = timing;
    this.start(boot);
  }

  /** Power on: a fresh kernel with no VFs, whatever was there before. */
  start(boot: BootConfig): void {
    this.generation += 1;
    this.boot = boot;
    this.fs.remove('/sys');
    this.fs.remove('/proc');
    this.devices.clear();
    this.drivers.clear();
    this.modules.clear();
    this.assigned.clear();
    this.nextIommuGroup = 0;
    const p = this.profile;
    const intelIommuOn = /(^|\s)intel_iommu=on(\s|$)/.test(boot.cmdline);
    this.iommuActive = boot.bios.iommu && (p.cpuVendor === 'amd' || p.iommuDefaultOn || intelIommuOn);

    this.fs.file('/proc/cmdline', `${boot.cmdline}\n`);
    this.fs.file('/proc/sys/kernel/osrelease', `${p.kernelRelease}\n`);
    this.fs.file('/proc/sys/kernel/hostname', `${p.id}\n`);
    this.fs.file('/proc/sys/kernel/random/boot_id', `${randomUUID()}\n`);
    const nodes = numaNodeCount(p);
    this.fs.file('/sys/devices/system/node/online', `${nodes > 1 ? `0-${nodes - 1}` : '0'}\n`);
    const vendor = p.cpuVendor === 'amd' ? 'AuthenticAMD' : 'GenuineIntel';
    this.fs.file('/proc/cpuinfo', `processor\t: 0\nvendor_id\t: ${vendor}\ncpu family\t: 6\nflags\t\t: fpu vme ${p.cpuVendor === 'amd' ? 'svm' : 'vmx'}\n\n`);
    this.fs.mkdir(DEVICES);
    this.fs.mkdir('/sys/bus/pci/devices');
    this.fs.mkdir('/sys/kernel/iommu_groups');
    this.fs.mkdir('/sys/class/iommu');
    this.fs.mkdir('/sys/class/net');
    this.fs.mkdir('/sys/module');
    this.fs.file('/sys/bus/pci/drivers_probe', '', (data) => this.driversProbe(data));
    if (boot.bios.iommu) this.fs.file(`/sys/firmware/acpi/tables/${p.cpuVendor === 'amd' ? 'IVRS' : 'DMAR'}`, 'ACPI table');
    if (this.iommuActive) {
      const unit = p.cpuVendor === 'amd' ? 'ivhd0' : 'dmar0';
      this.fs.mkdir(`/sys/devices/virtual/iommu/${unit}`);
      this.fs.link(`/sys/class/iommu/${unit}`, `../../devices/virtual/iommu/${unit}`);
    }
    this.loadModule('kvm');
    this.loadModule(p.cpuVendor === 'amd' ? 'kvm_amd' : 'kvm_intel');

    for (const other of p.others) {
      this.addDevice({
        address: other.address, vendorId: other.vendorId, deviceId: other.deviceId, classCode: other.classCode,
        subsystemVendorId: '103c', subsystemDeviceId: '00e4', numaNode: 0, netdevName: null, sriov: null, physfn: null, vfIndex: null,
      });
      if (other.driver) this.registerDriver({ name: other.driver, module: other.driver, ids: new Set([`${other.vendorId}:${other.deviceId}`]), sriov: false, network: false });
    }
    let onboard = 0;
    for (const nic of p.nics) {
      const model: NicModel = NIC_MODELS[nic.model];
      // No capability at all without SR-IOV in the chip or in the NIC's firmware: sriov_* files never appear.
      const vfDeviceId = nic.firmwareSriovOff ? null : model.vfDeviceId;
      for (let port = 0; port < model.ports; port++) {
        this.addDevice({
          address: pciAddress(nic.bus, 0, port), vendorId: model.vendorId, deviceId: model.pfDeviceId, classCode: '020000',
          subsystemVendorId: model.subsystemVendorId, subsystemDeviceId: model.subsystemDeviceId, numaNode: nic.numaNode,
          netdevName: nic.slot === null ? `eno${++onboard}` : `ens${nic.slot}f${port}`,
          sriov: vfDeviceId === null ? null : { model, vfDeviceId, totalVfs: model.totalVfsPerPort, numVfs: 0, offset: model.vfOffset + port * model.vfOffsetPerPort, autoprobe: true, vfs: [], vfConfig: [] },
          physfn: null, vfIndex: null,
        });
      }
    }
    // Drivers load after enumeration, as udev coldplug does; unbound NICs have their driver blacklisted.
    const unboundModels = new Set(p.nics.filter((n) => n.unbound).map((n) => n.model));
    for (const nic of p.nics) {
      const model: NicModel = NIC_MODELS[nic.model];
      if (!unboundModels.has(nic.model)) {
        this.registerDriver({ name: model.pfDriver, module: model.pfDriver, ids: new Set([`${model.vendorId}:${model.pfDeviceId}`]), sriov: model.vfDeviceId !== null, network: true });
      }
      if (model.vfDeviceId === null || model.vfDriver === null) continue;
      const vfId = `${model.vendorId}:${model.vfDeviceId}`;
      const existing = this.drivers.get(model.vfDriver);
      if (existing) existing.ids.add(vfId);
      else this.registerDriver({ name: model.vfDriver, module: model.vfDriver, ids: new Set([vfId]), sriov: false, network: true });
    }
    for (const mod of boot.extraModules) if (mod === 'vfio_pci' || mod === 'vfio-pci') this.loadVfioPci();
    for (const other of p.others) if (other.driver) this.probe(this.device(other.address));
  }

  device(address: string): SimDevice {
    const dev = this.devices.get(address);
    if (!dev) throw new Error(`simkernel: no device ${address}`);
    return dev;
  }

  loadVfioPci(): void {
    if (this.drivers.has('vfio-pci')) return;
    // vfio-pci has no static id table: it takes only what driver_override or new_id hands it.
    this.registerDriver({ name: 'vfio-pci', module: 'vfio_pci', ids: new Set(), sriov: false, network: false });
  }

  // --- devices and drivers ---

  private addDevice(init: Omit<SimDevice, 'driver' | 'driverOverride' | 'netdev' | 'iommuGroup'>): SimDevice {
    const dev: SimDevice = { ...init, driver: null, driverOverride: null, netdev: null, iommuGroup: null };
    if (this.devices.has(dev.address)) throw new Error(`simkernel: two functions at ${dev.address}`);
    this.devices.set(dev.address, dev);
    const dir = `${DEVICES}/${dev.address}`;
    const fs = this.fs;
    fs.mkdir(dir);
    fs.file(`${dir}/vendor`, `0x${dev.vendorId}\n`);
    fs.file(`${dir}/device`, `0x${dev.deviceId}\n`);
    fs.file(`${dir}/class`, `0x${dev.classCode}\n`);
    fs.file(`${dir}/subsystem_vendor`, `0x${dev.subsystemVendorId}\n`);
    fs.file(`${dir}/subsystem_device`, `0x${dev.subsystemDeviceId}\n`);
    fs.file(`${dir}/numa_node`, `${dev.numaNode}\n`);
    fs.file(`${dir}/driver_override`, () => `${dev.driverOverride ?? '(null)'}\n`, (data) => this.writeDriverOverride(dev, data));
    fs.link(`/sys/bus/pci/devices/${dev.address}`, `../../../devices/pci0000:00/${dev.address}`);
    if (dev.physfn) fs.link(`${dir}/physfn`, `../${dev.physfn}`);
    const cap = dev.sriov;
    if (cap) {
      fs.file(`${dir}/sriov_totalvfs`, () => `${this.totalVfs(dev, cap)}\n`);
      fs.file(`${dir}/sriov_numvfs`, () => `${cap.numVfs}\n`, (data) => this.writeNumVfs(dev, data));
      fs.file(`${dir}/sriov_offset`, `${cap.offset}\n`);
      fs.file(`${dir}/sriov_stride`, `${cap.model.vfStride}\n`);
      fs.file(`${dir}/sriov_vf_device`, `${cap.vfDeviceId}\n`);
      fs.file(`${dir}/sriov_drivers_autoprobe`, () => `${cap.autoprobe ? 1 : 0}\n`, (data) => {
        const value = parseBool(data);
        if (value === null) throw systemError('EINVAL', 'write', `${dir}/sriov_drivers_autoprobe`);
        cap.autoprobe = value;
      });
    }
    if (this.iommuActive) {
      const group = this.nextIommuGroup++;
      dev.iommuGroup = group;
      fs.link(`/sys/kernel/iommu_groups/${group}/devices/${dev.address}`, `../../../../devices/pci0000:00/${dev.address}`);
      fs.file(`/sys/kernel/iommu_groups/${group}/type`, 'DMA\n');
      fs.link(`${dir}/iommu_group`, `../../../kernel/iommu_groups/${group}`);
    }
    return dev;
  }

  private removeDevice(dev: SimDevice): void {
    if (dev.driver) this.unbind(dev);
    this.fs.remove(`${DEVICES}/${dev.address}`);
    this.fs.remove(`/sys/bus/pci/devices/${dev.address}`);
    if (dev.iommuGroup !== null) this.fs.remove(`/sys/kernel/iommu_groups/${dev.iommuGroup}`);
    this.assigned.delete(dev.address);
    this.devices.delete(dev.address);
  }

  private registerDriver(driver: SimDriver): void {
    this.drivers.set(driver.name, driver);
    this.loadModule(driver.module);
    const dir = `${DRIVERS}/${driver.name}`;
    this.fs.mkdir(dir);
    this.fs.file(`${dir}/unbind`, '', (data) => {
      const dev = this.devices.get(data.trim());
      // driver_unbind() in drivers/base/bus.c: the device must be bound to this very driver.
      if (!dev || dev.driver !== driver.name) throw systemError('ENODEV', 'write', `${dir}/unbind`);
      this.unbind(dev);
    });
    this.fs.file(`${dir}/bind`, '', (data) => {
      const dev = this.devices.get(data.trim());
      if (!dev || dev.driver || !this.matches(driver, dev) || !this.tryProbe(driver, dev)) throw systemError('ENODEV', 'write', `${dir}/bind`);
    });
    for (const dev of this.devices.values()) if (!dev.driver) this.probe(dev);
  }

  private loadModule(name: string): void {
    if (this.modules.has(name)) return;
    this.modules.add(name);
    this.fs.mkdir(`/sys/module/${name}`);
    this.fs.file(`/sys/module/${name}/refcnt`, '0\n');
  }

  /** pci_device_can_probe() and driver matching: driver_override wins over the id table. */
  private matches(driver: SimDriver, dev: SimDevice): boolean {
    if (dev.driverOverride !== null) return dev.driverOverride === driver.name;
    if (dev.physfn) {
      const pf = this.devices.get(dev.physfn);
      if (pf?.sriov && !pf.sriov.autoprobe) return false;
    }
    return driver.ids.has(`${dev.vendorId}:${dev.deviceId}`);
  }

  private probe(dev: SimDevice): void {
    if (dev.driver) return;
    for (const driver of this.drivers.values()) {
      if (this.matches(driver, dev) && this.tryProbe(driver, dev)) return;
    }
  }

  private tryProbe(driver: SimDriver, dev: SimDevice): boolean {
    // vfio_pci_probe() fails without an IOMMU group (vfio_iommu_group_get); the device stays unbound.
    if (driver.name === 'vfio-pci' && dev.iommuGroup === null) return false;
    dev.driver = driver.name;
    const dir = `${DEVICES}/${dev.address}`;
    this.fs.link(`${dir}/driver`, `../../../bus/pci/drivers/${driver.name}`);
    this.fs.link(`${DRIVERS}/${driver.name}/${dev.address}`, `../../../../devices/pci0000:00/${dev.address}`);
    if (driver.network && dev.netdevName) {
      const name = dev.netdevName;
      const generation = this.generation;
      const appear = (): void => {
        if (this.generation !== generation || this.devices.get(dev.address) !== dev || dev.driver !== driver.name || dev.netdev) return;
        dev.netdev = name;
        this.fs.file(`${dir}/net/${name}/address`, () => `${this.netdevMac(dev)}\n`);
        this.fs.file(`${dir}/net/${name}/operstate`, 'up\n');
        this.fs.link(`/sys/class/net/${name}`, `../../devices/pci0000:00/${dev.address}/net/${name}`);
      };
      // A PF's netdev is there when its driver finishes probing; VF netdevs follow later.
      if (dev.physfn && this.timing.netdevMs > 0) setTimeout(appear, this.timing.netdevMs).unref();
      else appear();
    }
    return true;
  }

  private unbind(dev: SimDevice): void {
    if (!dev.driver) return;
    const dir = `${DEVICES}/${dev.address}`;
    if (dev.netdev) this.fs.remove(`/sys/class/net/${dev.netdev}`);
    this.fs.remove(`${dir}/net`);
    this.fs.remove(`${dir}/driver`);
    this.fs.remove(`${DRIVERS}/${dev.driver}/${dev.address}`);
    dev.netdev = null;
    dev.driver = null;
    // A PF driver going away takes its VFs with it (ixgbe_remove -> pci_disable_sriov).
    if (dev.sriov && dev.sriov.numVfs > 0) this.disableVfs(dev);
  }

  /** A driver may lower the chip's TotalVFs (igb: 7 of 8); unbound, the chip's number shows (seen on a real kernel). */
  private totalVfs(dev: SimDevice, cap: SriovCap): number {
    return dev.driver ? cap.totalVfs : (cap.model.chipTotalVfsPerPort ?? cap.totalVfs);
  }

  private netdevMac(dev: SimDevice): string {
    if (dev.physfn !== null && dev.vfIndex !== null) {
      const cfg = this.devices.get(dev.physfn)?.sriov?.vfConfig[dev.vfIndex];
      if (cfg && cfg.mac !== '00:00:00:00:00:00') return cfg.mac;
    }
    const n = [...dev.address].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
    return ['02', ...[0, 8, 16, 24, 4].map((s) => ((n >>> s) & 0xff).toString(16).padStart(2, '0'))].join(':');
  }

  // --- writes ---

  /** sriov_numvfs_store() in drivers/pci/iov.c, check for check. */
  private async writeNumVfs(pf: SimDevice, data: string): Promise<void> {
    const file = `${DEVICES}/${pf.address}/sriov_numvfs`;
    const cap = pf.sriov;
    if (!cap) throw systemError('ENOENT', 'open', file);
    const parsed = kstrtou16(data);
    if (parsed === 'EINVAL' || parsed === 'ERANGE') throw systemError(parsed, 'write', file);
    if (parsed > this.totalVfs(pf, cap)) throw systemError('ERANGE', 'write', file);
    // A reset while the write waits or sleeps: that PF went away with the old kernel.
    const gone = (): boolean => this.devices.get(pf.address) !== pf;
    await this.withDeviceLock(pf.address, async () => {
      if (gone()) throw systemError('ENODEV', 'write', file);
      if (parsed === cap.numVfs) return;
      const driver = pf.driver ? this.drivers.get(pf.driver) : undefined;
      if (!driver || !driver.sriov) throw systemError('ENOENT', 'write', file);
      if (parsed === 0) {
        // ixgbe_pci_sriov_disable() and friends: no disabling while a guest holds a VF.
        if (cap.vfs.some((vf) => this.assigned.has(vf))) throw systemError('EPERM', 'write', file);
        await sleep(this.timing.disableMs);
        if (gone()) throw systemError('ENODEV', 'write', file);
        this.disableVfs(pf);
        return;
      }
      if (cap.numVfs !== 0) throw systemError('EBUSY', 'write', file);
      // pci_iov_resource_bar sizes: with BIOS SR-IOV off no room was left for the VF BARs.
      if (!this.boot.bios.sriov) throw systemError('ENOMEM', 'write', file);
      await sleep(this.timing.enableMs);
      if (gone()) throw systemError('ENODEV', 'write', file);
      this.enableVfs(pf, parsed);
    });
  }

  private enableVfs(pf: SimDevice, count: number): void {
    const cap = pf.sriov;
    if (!cap) return;
    const [bus = 0, slot = 0, fn = 0] = pf.address.slice(5).split(/[:.]/).map((x) => parseInt(x, 16));
    const routingId = (bus << 8) | (slot << 3) | fn;
    cap.numVfs = count;
    cap.vfConfig = [];
    for (let i = 0; i < count; i++) {
      const rid = routingId + cap.offset + i * cap.model.vfStride;
      const address = pciAddress(rid >> 8, (rid >> 3) & 0x1f, rid & 7);
      cap.vfConfig.push({ mac: '00:00:00:00:00:00', vlan: 0, qos: 0, spoofchk: true, trust: false, linkState: 'auto', maxTxRate: 0, minTxRate: 0 });
      this.addDevice({
        address, vendorId: cap.model.vendorId, deviceId: cap.vfDeviceId, classCode: '020000',
        subsystemVendorId: cap.model.subsystemVendorId, subsystemDeviceId: cap.model.subsystemDeviceId, numaNode: pf.numaNode,
        netdevName: pf.netdevName ? `${pf.netdevName}v${i}` : null, sriov: null, physfn: pf.address, vfIndex: i,
      });
      cap.vfs.push(address);
      this.fs.link(`${DEVICES}/${pf.address}/virtfn${i}`, `../${address}`);
    }
    if (cap.autoprobe) for (const vf of cap.vfs) this.probe(this.device(vf));
  }

  private disableVfs(pf: SimDevice): void {
    const cap = pf.sriov;
    if (!cap) return;
    for (const [i, vf] of cap.vfs.entries()) {
      this.fs.remove(`${DEVICES}/${pf.address}/virtfn${i}`);
      const dev = this.devices.get(vf);
      if (dev) this.removeDevice(dev);
    }
    cap.vfs = [];
    cap.vfConfig = [];
    cap.numVfs = 0;
  }

  /** driver_override_store(): a trailing newline is dropped, an empty string clears it. */
  private writeDriverOverride(dev: SimDevice, data: string): void {
    const value = data.endsWith('\n') ? data.slice(0, -1) : data;
    if (value.length >= 4096) throw systemError('EINVAL', 'write', `${DEVICES}/${dev.address}/driver_override`);
    dev.driverOverride = value === '' ? null : value;
  }

  /** drivers_probe_store(): unknown device -> ENODEV; a failed probe leaves it unbound, no error. */
  private driversProbe(data: string): void {
    const dev = this.devices.get(data.trim());
    if (!dev) throw systemError('ENODEV', 'write', '/sys/bus/pci/drivers_probe');
    this.probe(dev);
  }

  private async withDeviceLock(address: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.deviceLocks.get(address) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => mine);
    this.deviceLocks.set(address, chained);
    await previous;
    try {
      await fn();
    } finally {
      release();
      if (this.deviceLocks.get(address) === chained) this.deviceLocks.delete(address);
    }
  }

  // --- hooks for the simulated ip and libvirt ---

  /** The PF device whose netdev has this name, or null. */
  pfByNetdev(netdev: string): SimDevice | null {
    for (const dev of this.devices.values()) if (dev.sriov && dev.netdev === netdev) return dev;
    return null;
  }

  /** What the PF driver keeps for this VF (MAC, VLAN, ...), or null for a function that is not a VF. */
  vfConfig(address: string): VfConfig | null {
    const dev = this.devices.get(address);
    if (!dev?.physfn || dev.vfIndex === null) return null;
    return this.devices.get(dev.physfn)?.sriov?.vfConfig[dev.vfIndex] ?? null;
  }

  /** Binds a VF to vfio-pci as libvirt's managed='yes' does (virPCIDeviceBindToStub). */
  bindToVfio(address: string): boolean {
    const dev = this.device(address);
    if (!this.drivers.has('vfio-pci')) this.loadVfioPci();
    if (dev.driver === 'vfio-pci') return true;
    dev.driverOverride = 'vfio-pci';
    this.unbind(dev);
    this.probe(dev);
    return dev.driver === 'vfio-pci';
  }

  /** Gives a VF back to its own driver, as libvirt's managed reattach does. */
  reattach(address: string): void {
    const dev = this.device(address);
    this.unbind(dev);
    dev.driverOverride = null;
    this.probe(dev);
  }
}

export function pciAddress(bus: number, slot: number, fn: number): string {
  return `0000:${hex(bus, 2)}:${hex(slot, 2)}.${fn}`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** kstrtou16(buf, 0, ...): "0x" hex, leading-0 octal, optional '+' and one trailing newline. */
export function kstrtou16(input: string): number | 'EINVAL' | 'ERANGE' {
  const s = input.endsWith('\n') ? input.slice(0, -1) : input;
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m?.[1]) return 'EINVAL';
  const digits = m[1];
  const value = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits.startsWith('0') ? parseInt(digits, 8) : parseInt(digits, 10);
  return value > 0xffff ? 'ERANGE' : value;
}

function parseBool(input: string): boolean | null {
  const s = input.trim().toLowerCase();
  if (['1', 'y', 'yes', 'on', 'true'].includes(s)) return true;
  if (['0', 'n', 'no', 'off', 'false'].includes(s)) return false;
  return null;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
