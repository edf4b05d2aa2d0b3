// The guest inside a simulated VM, as its QEMU guest agent answers `virsh qemu-agent-command`:
// the JSON shapes of QEMU's qga/qapi-schema.json, and libvirt's error texts when there is no agent.
// The guest's interfaces follow the VFs the domain holds: each VF whose driver the guest has is
// an interface with the MAC the PF gave the VF; one whose driver it lacks is only a PCI function.

import { createHash } from 'node:crypto';
import { NIC_MODELS, type GuestOsId, type GuestProfile } from './profiles';

export interface GuestVfDevice {
  address: string;
  vendorId: string;
  deviceId: string;
  /** What the PF driver keeps for the VF: the guest sees this MAC; link "disable" is a down link. */
  mac: string;
  linkState: 'auto' | 'enable' | 'disable';
}

const OS_INFO: Record<GuestOsId, Record<string, string>> = {
  rhel9: { id: 'rhel', name: 'Red Hat Enterprise Linux', 'pretty-name': 'Red Hat Enterprise Linux 9.4 (Plow)', version: '9.4 (Plow)', 'version-id': '9.4', 'kernel-release': '5.14.0-427.13.1.el9_4.x86_64', 'kernel-version': '#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024', machine: 'x86_64' },
  ubuntu2204: { id: 'ubuntu', name: 'Ubuntu', 'pretty-name': 'Ubuntu 22.04.4 LTS', version: '22.04.4 LTS (Jammy Jellyfish)', 'version-id': '22.04', 'kernel-release': '5.15.0-105-generic', 'kernel-version': '#115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024', machine: 'x86_64' },
  windows2022: { id: 'mswindows', name: 'Microsoft Windows', 'pretty-name': 'Windows Server 2022 Standard', version: 'Microsoft Windows Server 2022', 'version-id': '2022', variant: 'server', 'variant-id': 'server', 'kernel-release': '20348', 'kernel-version': '10.0', machine: 'x86_64' },
};

/** How each VF type shows in Windows' Get-NetAdapter (the vendors' VF drivers for Windows Server). */
const WINDOWS_VF_DRIVERS: Record<string, { description: string; file: string }> = {
  iavf: { description: 'Intel(R) Ethernet Adaptive Virtual Function', file: 'iavf.sys' },
  ixgbevf: { description: 'Intel(R) 82599 Virtual Function', file: 'vxn68x64.sys' },
  igbvf: { description: 'Intel(R) I350 Virtual Function', file: 'vfnd68x64.sys' },
  mlx5_core: { description: 'Mellanox ConnectX-4 Lx Virtual Adapter', file: 'mlx5.sys' },
  bnxt_en: { description: 'Broadcom NetXtreme-E Virtual Function', file: 'bnxtnd.sys' },
};

/** The guest driver of a VF type, from the NIC catalog. */
export function vfGuestDriver(vendorId: string, deviceId: string): string | null {
  for (const model of Object.values(NIC_MODELS)) if (model.vendorId === vendorId && model.vfDeviceId === deviceId) return model.vfDriver;
  return null;
}

/** libvirt's error for the command, as virsh prints it after "error: ". */
export class GuestRefusal extends Error {}

interface ExecResult {
  exitcode: number;
  out: string;
  err: string;
}

export class SimGuest {
  private readonly execs = new Map<number, ExecResult>();
  private nextPid = 1000;

  constructor(
    private readonly vmName: string,
    private readonly profile: GuestProfile = {},
  ) {}

  private get os(): GuestOsId {
    return this.profile.os ?? 'rhel9';
  }

  private get windows(): boolean {
    return this.os === 'windows2022';
  }

  /**
   * One command as `virsh qemu-agent-command` runs it: the printed answer, or GuestRefusal with
   * libvirt's error for the caller to print.
   */
  command(json: string, vfs: GuestVfDevice[], running: boolean): string {
    if (!running) throw new GuestRefusal('Requested operation is not valid: domain is not running');
    const agent = this.profile.agent ?? 'running';
    if (agent === 'no-channel') throw new GuestRefusal('argument unsupported: QEMU guest agent is not configured');
    if (agent === 'not-installed') throw new GuestRefusal('Guest agent is not responding: QEMU guest agent is not connected');
    let command: { execute?: unknown; arguments?: Record<string, unknown> };
    try {
      command = JSON.parse(json) as typeof command;
    } catch {
      throw new GuestRefusal("internal error: unable to execute QEMU agent command: JSON parse error");
    }
    const name = typeof command.execute === 'string' ? command.execute : '';
    const refuse = (message: string): never => {
      throw new GuestRefusal(`internal error: unable to execute QEMU agent command '${name}': ${message}`);
    };
    const answer = (value: unknown) => JSON.stringify({ return: value });
    switch (name) {
      case 'guest-get-osinfo':
        return answer(OS_INFO[this.os]);
      case 'guest-network-get-interfaces':
        return answer(this.interfaces(vfs));
      case 'guest-exec':
      case 'guest-exec-status':
        if (this.profile.exec === false) return refuse(`The command ${name} has been disabled for this instance`);
        if (name === 'guest-exec') {
          const path = command.arguments?.path;
          const args = command.arguments?.arg;
          if (typeof path !== 'string') return refuse("Parameter 'path' is missing");
          const pid = this.nextPid++;
          this.execs.set(pid, this.exec(path, Array.isArray(args) ? args.map(String) : [], vfs));
          return answer({ pid });
        } else {
          const pid = command.arguments?.pid;
          const result = typeof pid === 'number' ? this.execs.get(pid) : undefined;
          if (!result) return refuse(`Invalid parameter 'pid'`);
          this.execs.delete(pid as number);
          return answer({ exited: true, exitcode: result.exitcode, 'out-data': Buffer.from(result.out).toString('base64'), ...(result.err ? { 'err-data': Buffer.from(result.err).toString('base64') } : {}) });
        }
      default:
        return refuse(`The command ${name} has not been found`);
    }
  }

  private hasDriver(vf: GuestVfDevice): string | null {
    const driver = vfGuestDriver(vf.vendorId, vf.deviceId);
    return driver && !(this.profile.missingDrivers ?? []).includes(driver) ? driver : null;
  }

  /** The guest's interfaces: lo, its virtio NIC, then one per VF it has a driver for, named as udev (or Windows) names them. */
  private netdevs(vfs: GuestVfDevice[]): { name: string; mac: string; vf: GuestVfDevice | null; driver: string }[] {
    const virtioMac = `52:54:00:${createHash('sha256').update(this.vmName).digest('hex').slice(0, 6).match(/../g)?.join(':') ?? '00:00:00'}`;
    const list = [{ name: this.windows ? 'Ethernet' : 'enp1s0', mac: virtioMac, vf: null as GuestVfDevice | null, driver: this.windows ? 'netkvm.sys' : 'virtio_net' }];
    vfs.forEach((vf, i) => {
      const driver = this.hasDriver(vf);
      if (driver) list.push({ name: this.windows ? `Ethernet ${list.length + 1}` : `enp${7 + i}s0`, mac: vf.mac, vf, driver });
    });
    return list;
  }

  private interfaces(vfs: GuestVfDevice[]): unknown[] {
    const stats = { 'rx-bytes': 0, 'rx-packets': 0, 'rx-errs': 0, 'rx-dropped': 0, 'tx-bytes': 0, 'tx-packets': 0, 'tx-errs': 0, 'tx-dropped': 0 };
    const lo = this.windows
      ? { name: 'Loopback Pseudo-Interface 1', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }], statistics: stats }
      : { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }], statistics: stats };
    return [
      lo,
      ...this.netdevs(vfs).map((n, i) => ({
        name: n.name,
        'hardware-address': n.mac,
        ...(i === 0 ? { 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '192.0.2.10', prefix: 24 }] } : {}),
        statistics: stats,
      })),
    ];
  }

  private exec(path: string, args: string[], vfs: GuestVfDevice[]): ExecResult {
    const ok = (out: string): ExecResult => ({ exitcode: 0, out, err: '' });
    const fail = (err: string): ExecResult => ({ exitcode: 1, out: '', err });
    if (this.windows) {
      if (!/powershell/i.test(path) || !args.join(' ').includes('Get-NetAdapter')) return fail(`'${path}' is not recognized as an internal or external command\r\n`);
      const adapters = this.netdevs(vfs).map((n) => {
        const vfDriver = n.vf ? WINDOWS_VF_DRIVERS[n.driver] : null;
        return {
          Name: n.name,
          InterfaceDescription: n.vf ? (vfDriver?.description ?? 'Virtual Function') : 'Red Hat VirtIO Ethernet Adapter',
          MacAddress: n.mac.toUpperCase().replace(/:/g, '-'),
          Status: n.vf?.linkState === 'disable' ? 'Disconnected' : 'Up',
          DriverFileName: n.vf ? (vfDriver?.file ?? null) : 'netkvm.sys',
        };
      });
      return ok(JSON.stringify(adapters.length === 1 ? adapters[0] : adapters, null, 4));
    }
    const netdevs = this.netdevs(vfs);
    const sys = /^\/sys\/class\/net\/([^/]+)\/(device\/driver|operstate)$/.exec(args[0] ?? '');
    if ((path === 'readlink' || path === 'cat') && sys) {
      const netdev = netdevs.find((n) => n.name === sys[1]);
      if (!netdev) return fail(`${path}: ${args[0]}: No such file or directory\n`);
      if (path === 'readlink' && sys[2] === 'device/driver') return ok(`../../../../bus/pci/drivers/${netdev.driver}\n`);
      if (path === 'cat' && sys[2] === 'operstate') return ok(`${netdev.vf?.linkState === 'disable' ? 'down' : 'up'}\n`);
    }
    if (path === 'cat' && args[0] === '/proc/bus/pci/devices') {
      const zeros = Array.from({ length: 14 }, () => '0'.padStart(16, ' ')).join('\t');
      const line = (bus: number, id: string, driver: string | null) => `${bus.toString(16).padStart(2, '0')}00\t${id}\t0\t${zeros}\t${driver ?? ''}`;
      const lines = [line(1, '1af41041', 'virtio-pci'), ...vfs.map((vf, i) => line(7 + i, `${vf.vendorId}${vf.deviceId}`, this.hasDriver(vf)))];
      return ok(`${lines.join('\n')}\n`);
    }
    return fail(`${path}: ${args[0] ?? ''}: No such file or directory\n`);
  }
}
