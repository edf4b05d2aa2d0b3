import { describe, expect, it } from 'vitest';
import { classifyGuestError, driverFromLink, GuestCallError, parseGuestInterfaces, parseProcPciDevices, parseWindowsAdapters, readGuest, type GuestAgentCall, type GuestCommand, type GuestVfTarget } from './guest';

// Answers as a RHEL 9 guest's qemu-guest-agent 8.2 and a Windows Server 2022 guest's virtio-win
// qemu-ga print them (trimmed to the members the dashboard reads and a few it does not).
const RHEL_OSINFO = { id: 'rhel', name: 'Red Hat Enterprise Linux', 'pretty-name': 'Red Hat Enterprise Linux 9.4 (Plow)', version: '9.4 (Plow)', 'version-id': '9.4', 'kernel-release': '5.14.0-427.13.1.el9_4.x86_64', 'kernel-version': '#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024', machine: 'x86_64' };
const WINDOWS_OSINFO = { id: 'mswindows', name: 'Microsoft Windows', 'pretty-name': 'Windows Server 2022 Standard', version: 'Microsoft Windows Server 2022', 'version-id': '2022', variant: 'server', 'variant-id': 'server', 'kernel-release': '20348', 'kernel-version': '10.0', machine: 'x86_64' };
const stats = { 'rx-bytes': 1204, 'rx-packets': 12, 'rx-errs': 0, 'rx-dropped': 0, 'tx-bytes': 980, 'tx-packets': 10, 'tx-errs': 0, 'tx-dropped': 0 };
const LINUX_WITH_VF = [
  { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }, { 'ip-address-type': 'ipv6', 'ip-address': '::1', prefix: 128 }], statistics: stats },
  { name: 'enp1s0', 'hardware-address': '52:54:00:6b:3c:58', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '192.0.2.10', prefix: 24 }], statistics: stats },
  { name: 'enp7s0', 'hardware-address': '52:0a:1b:2c:3d:4e', statistics: stats },
];
const WINDOWS_WITH_VF = [
  { name: 'Ethernet 2', 'hardware-address': '52:0a:1b:2c:3d:4e', 'ip-addresses': [{ 'ip-address-type': 'ipv6', 'ip-address': 'fe80::9c1d:4f2a:3b7e:12c4%6', prefix: 64 }], statistics: stats },
  { name: 'Ethernet', 'hardware-address': '52:54:00:6b:3c:58', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '192.0.2.11', prefix: 24 }], statistics: stats },
  { name: 'Loopback Pseudo-Interface 1', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }], statistics: stats },
];
const GET_NETADAPTER = `\uFEFF[
    {
        "Name":  "Ethernet 2",
        "InterfaceDescription":  "Intel(R) Ethernet Adaptive Virtual Function",
        "MacAddress":  "52-0A-1B-2C-3D-4E",
        "Status":  "Up",
        "DriverFileName":  "iavf.sys"
    },
    {
        "Name":  "Ethernet",
        "InterfaceDescription":  "Red Hat VirtIO Ethernet Adapter",
        "MacAddress":  "52-54-00-6B-3C-58",
        "Status":  "Up",
        "DriverFileName":  "netkvm.sys"
    }
]`;
const zeros = Array.from({ length: 14 }, () => '0000000000000000').join('\t');
const PROC_PCI_NO_DRIVER = `0100\t1af41041\t16\t${zeros}\tvirtio-pci\n0700\t8086154c\t0\t${zeros}\t\n`;

const VF: GuestVfTarget = { address: '0000:37:02.0', mac: '52:0A:1B:2C:3D:4E', vendorId: '8086', deviceId: '154c', guestDriver: 'iavf' };
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A guest agent answering from a table; guest-exec runs `exec` and keeps its output for guest-exec-status. */
function fakeAgent(answers: Record<string, unknown>, exec?: (path: string, args: string[]) => { code: number; out: string } | GuestCallError): { call: GuestAgentCall; sent: GuestCommand[] } {
  const sent: GuestCommand[] = [];
  const pending = new Map<number, { code: number; out: string }>();
  const call: GuestAgentCall = async (command) => {
    sent.push(command);
    if (command.execute === 'guest-exec') {
      const result = exec?.(String(command.arguments?.path), (command.arguments?.arg as string[]) ?? []);
      if (!result) throw new GuestCallError("internal error: unable to execute QEMU agent command 'guest-exec': The command guest-exec has been disabled for this instance");
      if (result instanceof GuestCallError) throw result;
      const pid = 4000 + pending.size;
      pending.set(pid, result);
      return { pid };
    }
    if (command.execute === 'guest-exec-status') {
      const result = pending.get(Number(command.arguments?.pid));
      return { exited: true, exitcode: result?.code ?? 1, 'out-data': b64(result?.out ?? '') };
    }
    const answer = answers[command.execute];
    if (answer instanceof GuestCallError) throw answer;
    if (answer === undefined) throw new GuestCallError(`internal error: unable to execute QEMU agent command '${command.execute}': The command ${command.execute} has not been found`);
    return answer;
  };
  return { call, sent };
}

const linuxExec = (driver: string, operstate: string) => (path: string, args: string[]) => {
  if (path === 'readlink' && args[0] === '/sys/class/net/enp7s0/device/driver') return { code: 0, out: `../../../../bus/pci/drivers/${driver}\n` };
  if (path === 'cat' && args[0] === '/sys/class/net/enp7s0/operstate') return { code: 0, out: `${operstate}\n` };
  if (path === 'cat' && args[0] === '/proc/bus/pci/devices') return { code: 0, out: PROC_PCI_NO_DRIVER };
  return { code: 1, out: '' };
};
const running = { name: 'dpdk-gw-01', state: 'running' as const };

describe('the guest through its QEMU guest agent', () => {
  it('Linux with iavf: the interface with the VF’s MAC, the driver bound to it and its link', async () => {
    const { call, sent } = fakeAgent({ 'guest-network-get-interfaces': LINUX_WITH_VF, 'guest-get-osinfo': RHEL_OSINFO }, linuxExec('iavf', 'up'));
    const report = await readGuest(running, [VF], call);
    expect(report).toMatchObject({ agent: 'connected', exec: 'allowed', os: { id: 'rhel', name: 'Red Hat Enterprise Linux 9.4 (Plow)', kernelRelease: '5.14.0-427.13.1.el9_4.x86_64' } });
    expect(report.vfs).toEqual([expect.objectContaining({ seen: 'seen', interface: 'enp7s0', driver: 'iavf', link: 'up', pci: 'bound' })]);
    // No shell: each read is a program with its path as an argument.
    expect(sent.filter((c) => c.execute === 'guest-exec').map((c) => c.arguments)).toEqual([
      { path: 'readlink', arg: ['/sys/class/net/enp7s0/device/driver'], 'capture-output': true },
      { path: 'cat', arg: ['/sys/class/net/enp7s0/operstate'], 'capture-output': true },
    ]);
  });

  it('Linux with the link down says so', async () => {
    const { call } = fakeAgent({ 'guest-network-get-interfaces': LINUX_WITH_VF, 'guest-get-osinfo': RHEL_OSINFO }, linuxExec('iavf', 'lowerlayerdown'));
    expect((await readGuest(running, [VF], call)).vfs[0]).toMatchObject({ seen: 'seen', link: 'down' });
  });

  it('Linux without a driver: no interface with the MAC, and the VF on the guest’s PCI bus with none bound, naming the driver to install', async () => {
    const { call } = fakeAgent({ 'guest-network-get-interfaces': LINUX_WITH_VF.slice(0, 2), 'guest-get-osinfo': RHEL_OSINFO }, linuxExec('iavf', 'up'));
    const [vf] = (await readGuest(running, [VF], call)).vfs;
    expect(vf).toMatchObject({ seen: 'not-seen', interface: null, driver: null, pci: 'no-driver' });
    expect(vf?.detail).toMatch(/no driver bound.*install or load iavf in the guest/);
  });

  it('a VF absent from the guest’s PCI bus: the VM has not picked the device up', async () => {
    const { call } = fakeAgent({ 'guest-network-get-interfaces': LINUX_WITH_VF.slice(0, 2), 'guest-get-osinfo': RHEL_OSINFO }, (path) => (path === 'cat' ? { code: 0, out: `0100\t1af41041\t16\t${zeros}\tvirtio-pci\n` } : { code: 1, out: '' }));
    expect((await readGuest(running, [VF], call)).vfs[0]).toMatchObject({ seen: 'not-seen', pci: 'absent', detail: expect.stringMatching(/restart it/) });
  });

  it('guest-exec blocked: seen by MAC, driver and link unknown, and the report says why', async () => {
    const { call } = fakeAgent({ 'guest-network-get-interfaces': LINUX_WITH_VF, 'guest-get-osinfo': RHEL_OSINFO });
    const report = await readGuest(running, [VF], call);
    expect(report.exec).toBe('disabled');
    expect(report.vfs[0]).toMatchObject({ seen: 'seen', interface: 'enp7s0', driver: null, link: null, detail: expect.stringMatching(/does not allow guest-exec/) });
  });

  it('Windows with a VF driver: "Ethernet 2" by MAC, driver and status from Get-NetAdapter', async () => {
    const { call, sent } = fakeAgent({ 'guest-network-get-interfaces': WINDOWS_WITH_VF, 'guest-get-osinfo': WINDOWS_OSINFO }, (path) => (path === 'powershell.exe' ? { code: 0, out: GET_NETADAPTER } : { code: 1, out: '' }));
    const report = await readGuest(running, [VF], call);
    expect(report.os).toEqual({ id: 'mswindows', name: 'Windows Server 2022 Standard', kernelRelease: '20348' });
    expect(report.vfs[0]).toMatchObject({ seen: 'seen', interface: 'Ethernet 2', driver: 'iavf.sys', link: 'up', detail: expect.stringContaining('Ethernet 2 (Intel(R) Ethernet Adaptive Virtual Function)') });
    expect(sent.some((c) => c.arguments?.path === 'readlink')).toBe(false);
  });

  it('no guest agent channel, or no agent on it: says so and how to install one, never "failed"', async () => {
    for (const [message, agent] of [
      ['argument unsupported: QEMU guest agent is not configured', 'not-configured'],
      ['Guest agent is not responding: QEMU guest agent is not connected', 'not-responding'],
      ['Guest agent is not responding: Guest agent not available for now', 'not-responding'],
    ] as const) {
      const { call } = fakeAgent({ 'guest-network-get-interfaces': new GuestCallError(message) });
      const report = await readGuest(running, [VF], call);
      expect(report.agent).toBe(agent);
      expect(report.detail).toMatch(/qemu-guest-agent.*org\.qemu\.guest_agent\.0/);
      expect(report.detail).not.toMatch(/fail/i);
      expect(report.vfs).toEqual([expect.objectContaining({ seen: 'unknown', detail: report.detail })]);
    }
  });

  it('an answer that does not parse is unknown with the reason', async () => {
    const { call } = fakeAgent({ 'guest-network-get-interfaces': { name: 'eth0' } });
    const report = await readGuest(running, [VF], call);
    expect(report.agent).toBe('connected');
    expect(report.vfs[0]).toMatchObject({ seen: 'unknown', detail: expect.stringMatching(/did not parse \(guest-network-get-interfaces did not answer a list/) });
    const garbled = fakeAgent({ 'guest-network-get-interfaces': [{ name: 'eth0', 'hardware-address': 7 }] });
    expect((await readGuest(running, [VF], garbled.call)).vfs[0]?.seen).toBe('unknown');
  });

  it('a VM that is not running is not asked', async () => {
    const { call, sent } = fakeAgent({});
    expect(await readGuest({ name: 'x', state: 'shut off' }, [VF], call)).toMatchObject({ agent: 'vm-not-running', vfs: [{ seen: 'unknown' }] });
    expect(sent).toEqual([]);
  });

  it('classifies libvirt’s other refusals as errors with libvirt’s words', () => {
    expect(classifyGuestError('Requested operation is not valid: domain is not running').agent).toBe('vm-not-running');
    expect(classifyGuestError('Timed out during operation: cannot acquire state change lock')).toMatchObject({ agent: 'error', detail: expect.stringContaining('cannot acquire state change lock') });
  });

  it('parses the pieces: interface MACs, driver links, /proc/bus/pci/devices, Get-NetAdapter with one adapter', () => {
    expect(parseGuestInterfaces(WINDOWS_WITH_VF).map((i) => i.mac)).toEqual(['52:0a:1b:2c:3d:4e', '52:54:00:6b:3c:58', null]);
    expect(driverFromLink('../../../../bus/pci/drivers/mlx5_core\n')).toBe('mlx5_core');
    expect(driverFromLink('')).toBeNull();
    expect(parseProcPciDevices(PROC_PCI_NO_DRIVER)).toEqual([
      { vendorDevice: '1af41041', driver: 'virtio-pci' },
      { vendorDevice: '8086154c', driver: null },
    ]);
    expect(parseWindowsAdapters('{"Name":"Ethernet","MacAddress":"52-54-00-6B-3C-58","Status":"Disconnected"}')).toEqual([{ name: 'Ethernet', mac: '52:54:00:6b:3c:58', description: null, driverFile: null, status: 'Disconnected' }]);
  });
});
