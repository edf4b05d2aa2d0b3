// The last link of the chain: whether the guest sees the VF it was given, through the QEMU guest
// agent (`virsh qemu-agent-command`). guest-get-osinfo names the OS, guest-network-get-interfaces
// lists the guest's interfaces by MAC; guest-exec, where the guest allows it, reads the driver and
// link of the interface that carries the VF's MAC (Linux: sysfs; Windows: Get-NetAdapter), and on
// Linux /proc/bus/pci/devices tells a VF the guest has no driver for from one it does not have.
// Shapes: QEMU's qga/qapi-schema.json (GuestNetworkInterface, GuestOSInfo, GuestExec, GuestExecStatus).

import type { GuestAgentStatus, GuestExecStatus, GuestOs, GuestPciPresence, GuestReport, GuestVf, VmState } from '../api-types';

export interface GuestCommand {
  execute: string;
  arguments?: Record<string, unknown>;
}

/** Sends one command to the VM's guest agent and resolves with its "return" value. */
export type GuestAgentCall = (command: GuestCommand) => Promise<unknown>;

/** libvirt or the guest agent refused a command; `message` is libvirt's words. */
export class GuestCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuestCallError';
  }
}

/** The answer came back but is not what QEMU documents for the command. */
export class GuestAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuestAnswerError';
  }
}

export interface GuestVfTarget {
  address: string;
  /** The VF's MAC on the host (`ip link` vfinfo), which libvirt set for the guest. */
  mac: string | null;
  vendorId: string;
  deviceId: string;
  /** The Linux driver for this VF type (iavf, ixgbevf, mlx5_core): named in the cause when the guest lacks it. */
  guestDriver: string | null;
}

export const INSTALL_GUEST_AGENT =
  "install the guest agent in the guest (RHEL/Fedora: dnf install qemu-guest-agent; Debian/Ubuntu: apt install qemu-guest-agent; then systemctl enable --now qemu-guest-agent; Windows: the virtio-win guest tools) and give the domain its channel: <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel> (virsh edit, then restart the VM)";

/** libvirt's refusal in words an operator acts on: no agent is a state of the guest, not a failure. */
export function classifyGuestError(message: string): { agent: GuestAgentStatus; detail: string } {
  if (/guest agent is not configured/i.test(message)) {
    return { agent: 'not-configured', detail: `The VM has no guest agent channel, so what the guest sees cannot be read: ${INSTALL_GUEST_AGENT}.` };
  }
  // VIR_ERR_AGENT_UNRESPONSIVE: "Guest agent is not responding: QEMU guest agent is not connected"
  // (nothing listens in the guest) or "...: Guest agent not available for now" (it timed out).
  if (/guest agent is not (responding|connected)|agent not available for now/i.test(message)) {
    return { agent: 'not-responding', detail: `The VM has a guest agent channel but no guest agent answers on it: ${INSTALL_GUEST_AGENT}.` };
  }
  if (/domain is not running/i.test(message)) return { agent: 'vm-not-running', detail: 'The VM is not running: only a running guest can say what it sees.' };
  return { agent: 'error', detail: `libvirt could not reach the guest agent: ${message}` };
}

/** guest-exec refused by the guest (qemu-ga --block-rpcs, or an allow-list without it). */
export function isExecDisabled(message: string): boolean {
  return /has been disabled|command not found|not allowed|blocked/i.test(message);
}

export interface GuestInterface {
  name: string;
  mac: string | null;
}

/** guest-network-get-interfaces: `[{ "name", "hardware-address"?, "ip-addresses"?, "statistics"? }]`. */
export function parseGuestInterfaces(value: unknown): GuestInterface[] {
  if (!Array.isArray(value)) throw new GuestAnswerError('guest-network-get-interfaces did not answer a list of interfaces');
  return value.map((entry, i) => {
    if (!isRecord(entry) || typeof entry.name !== 'string') throw new GuestAnswerError(`guest-network-get-interfaces: interface ${i} has no name`);
    const hw = entry['hardware-address'];
    if (hw !== undefined && typeof hw !== 'string') throw new GuestAnswerError(`guest-network-get-interfaces: ${entry.name} has a hardware-address that is not text`);
    // Windows answers the MAC with dashes in some builds of the agent.
    return { name: entry.name, mac: hw === undefined ? null : hw.toLowerCase().replace(/-/g, ':') };
  });
}

/** guest-get-osinfo: every member optional (Windows fills id "mswindows" and its build as kernel-release). */
export function parseGuestOsInfo(value: unknown): GuestOs {
  if (!isRecord(value)) throw new GuestAnswerError('guest-get-osinfo did not answer an object');
  const text = (key: string) => (typeof value[key] === 'string' && value[key] !== '' ? (value[key] as string) : null);
  return { id: text('id'), name: text('pretty-name') ?? text('name'), kernelRelease: text('kernel-release') };
}

export function isWindows(os: GuestOs | null): boolean {
  return os?.id === 'mswindows' || /windows/i.test(os?.name ?? '');
}

/** guest-exec-status: `{ "exited": bool, "exitcode"?, "out-data"? (base64), "err-data"? }`. */
export function parseExecStatus(value: unknown): { exited: boolean; exitCode: number | null; out: string; err: string } {
  if (!isRecord(value) || typeof value.exited !== 'boolean') throw new GuestAnswerError('guest-exec-status did not answer { exited }');
  const decode = (key: string) => (typeof value[key] === 'string' ? Buffer.from(value[key] as string, 'base64').toString('utf8') : '');
  return { exited: value.exited, exitCode: typeof value.exitcode === 'number' ? value.exitcode : null, out: decode('out-data'), err: decode('err-data') };
}

/** `readlink /sys/class/net/<if>/device/driver`: "../../../../bus/pci/drivers/iavf" -> "iavf". */
export function driverFromLink(target: string): string | null {
  const name = target.trim().split('/').pop() ?? '';
  return /^[\w.-]+$/.test(name) ? name : null;
}

/** /sys/class/net/<if>/operstate: "up", "down", "lowerlayerdown", "dormant", "unknown". */
export function linkFromOperstate(text: string): 'up' | 'down' | null {
  const state = text.trim();
  if (state === 'up') return 'up';
  if (state === 'down' || state === 'lowerlayerdown' || state === 'dormant') return 'down';
  return null;
}

/**
 * /proc/bus/pci/devices (drivers/pci/proc.c show_device): per function "BBDF\tVVVVDDDD\tIRQ", 7
 * start addresses, 7 sizes, then a tab and the bound driver's name (empty when none).
 */
export function parseProcPciDevices(text: string): { vendorDevice: string; driver: string | null }[] {
  const out: { vendorDevice: string; driver: string | null }[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split('\t');
    const id = fields[1];
    if (fields.length < 3 || !id || !/^[0-9a-f]{8}$/i.test(id)) continue;
    const driver = fields.length > 17 ? (fields[17] ?? '').trim() : '';
    out.push({ vendorDevice: id.toLowerCase(), driver: driver || null });
  }
  return out;
}

export interface WindowsAdapter {
  name: string;
  mac: string | null;
  description: string | null;
  driverFile: string | null;
  status: string | null;
}

/** `Get-NetAdapter | Select-Object Name,InterfaceDescription,MacAddress,Status,DriverFileName | ConvertTo-Json`: one object, or a list of them. */
export function parseWindowsAdapters(text: string): WindowsAdapter[] {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new GuestAnswerError('Get-NetAdapter did not print JSON');
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((a) => {
    if (!isRecord(a) || typeof a.Name !== 'string') throw new GuestAnswerError('Get-NetAdapter printed an adapter without a Name');
    const str = (k: string) => (typeof a[k] === 'string' && a[k] !== '' ? (a[k] as string) : null);
    const mac = str('MacAddress');
    return { name: a.Name, mac: mac ? mac.toLowerCase().replace(/-/g, ':') : null, description: str('InterfaceDescription'), driverFile: str('DriverFileName'), status: str('Status') };
  });
}

const EXEC_POLLS = 10;
const EXEC_POLL_MS = 100;

interface ExecOutcome {
  exitCode: number | null;
  out: string;
}

/** guest-exec, then guest-exec-status until it has exited (about a second at most). */
async function guestExec(call: GuestAgentCall, path: string, args: string[], sleep: (ms: number) => Promise<void>): Promise<ExecOutcome> {
  const started = await call({ execute: 'guest-exec', arguments: { path, arg: args, 'capture-output': true } });
  if (!isRecord(started) || typeof started.pid !== 'number') throw new GuestAnswerError('guest-exec did not answer a pid');
  for (let i = 0; i < EXEC_POLLS; i++) {
    const status = parseExecStatus(await call({ execute: 'guest-exec-status', arguments: { pid: started.pid } }));
    if (status.exited) return { exitCode: status.exitCode, out: status.out };
    await sleep(EXEC_POLL_MS);
  }
  throw new GuestAnswerError(`${path} did not finish in the guest within ${(EXEC_POLLS * EXEC_POLL_MS) / 1000} s`);
}

/** A Linux interface name the guest gave (IFNAMSIZ 16, no slash): anything else is not put in a path. */
const LINUX_IFNAME = /^[\w.:@-]{1,15}$/;

export interface ReadGuestOptions {
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * What the guest of `vm` sees of each VF it holds. Never throws for the guest's sake: no agent,
 * an agent that refuses guest-exec and an answer that does not parse are all in the report.
 */
export async function readGuest(vm: { name: string; state: VmState }, vfs: GuestVfTarget[], call: GuestAgentCall, options: ReadGuestOptions = {}): Promise<GuestReport> {
  const checkedAt = (options.now?.() ?? new Date()).toISOString();
  const sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const report = (agent: GuestAgentStatus, detail: string, extra: { os?: GuestOs | null; exec?: GuestExecStatus; vfs?: GuestVf[] } = {}): GuestReport => ({
    vm: vm.name,
    agent,
    detail,
    os: extra.os ?? null,
    exec: extra.exec ?? 'not-tried',
    vfs: extra.vfs ?? vfs.map((vf) => unknownVf(vf, detail)),
    checkedAt,
  });
  if (vm.state !== 'running') return report('vm-not-running', vm.state === 'paused' ? 'The VM is paused: its guest agent cannot answer until it is resumed.' : 'The VM is not running: only a running guest can say what it sees.');

  let os: GuestOs | null = null;
  let interfaces: GuestInterface[];
  try {
    interfaces = parseGuestInterfaces(await call({ execute: 'guest-network-get-interfaces' }));
  } catch (err) {
    if (err instanceof GuestCallError) {
      const { agent, detail } = classifyGuestError(err.message);
      return report(agent, detail);
    }
    const reason = `the guest agent's answer did not parse (${errorText(err)})`;
    return report('connected', `The guest agent answered, but ${reason}.`);
  }
  try {
    os = parseGuestOsInfo(await call({ execute: 'guest-get-osinfo' }));
  } catch {
    // Older agents (before QEMU 2.10) have no guest-get-osinfo: the interfaces still tell.
    os = null;
  }

  const windows = isWindows(os);
  let exec: GuestExecStatus = 'not-tried';
  let execNote: string | null = null;
  const runExec = async (path: string, args: string[]): Promise<ExecOutcome | null> => {
    if (exec === 'disabled' || exec === 'failed') return null;
    try {
      const outcome = await guestExec(call, path, args, sleep);
      exec = 'allowed';
      return outcome;
    } catch (err) {
      if (err instanceof GuestCallError && isExecDisabled(err.message)) {
        exec = 'disabled';
        execNote = 'the guest does not allow guest-exec, so its driver and link state cannot be read';
      } else {
        exec = 'failed';
        execNote = `guest-exec failed (${errorText(err)})`;
      }
      return null;
    }
  };

  const macOf = (vf: GuestVfTarget) => vf.mac?.toLowerCase() ?? null;
  const windowsAdapters = windows && vfs.some((vf) => interfaces.some((i) => i.mac !== null && i.mac === macOf(vf))) ? await readWindowsAdapters(runExec) : null;
  const out: GuestVf[] = [];
  let pciDevices: { vendorDevice: string; driver: string | null }[] | null | undefined;
  for (const vf of vfs) {
    const mac = macOf(vf);
    if (!mac) {
      out.push(unknownVf(vf, 'The PF does not report this VF’s MAC, so the guest’s interfaces cannot be matched to it.'));
      continue;
    }
    const iface = interfaces.find((i) => i.mac === mac);
    if (iface) {
      let driver: string | null = null;
      let link: 'up' | 'down' | null = null;
      let adapterNote: string | null = null;
      if (windows) {
        const adapter = windowsAdapters?.find((a) => a.mac === mac || a.name === iface.name);
        if (adapter) {
          // The driver file names the driver ("iavf.sys"); the adapter's description goes to the detail.
          driver = adapter.driverFile ?? adapter.description;
          link = adapter.status === 'Up' ? 'up' : adapter.status ? 'down' : null;
          if (adapter.description) adapterNote = adapter.description;
        }
      } else if (LINUX_IFNAME.test(iface.name)) {
        const linkTarget = await runExec('readlink', [`/sys/class/net/${iface.name}/device/driver`]);
        if (linkTarget?.exitCode === 0) driver = driverFromLink(linkTarget.out);
        const operstate = linkTarget ? await runExec('cat', [`/sys/class/net/${iface.name}/operstate`]) : null;
        if (operstate?.exitCode === 0) link = linkFromOperstate(operstate.out);
      }
      const said = [driver ?? (execNote ? null : 'driver not read'), link ? `link ${link}` : null].filter(Boolean).join(', ');
      out.push({ address: vf.address, mac: vf.mac, seen: 'seen', interface: iface.name, driver, link, pci: driver ? 'bound' : null, detail: `The guest shows ${iface.name}${adapterNote ? ` (${adapterNote})` : ''} with MAC ${vf.mac}${said ? ` (${said})` : ''}${execNote ? `; ${execNote}` : ''}.` });
      continue;
    }
    // No interface with the VF's MAC: on Linux the guest's PCI list tells whether the function is there without a driver.
    let pci: GuestPciPresence | null = null;
    if (!windows) {
      if (pciDevices === undefined) {
        const listed = await runExec('cat', ['/proc/bus/pci/devices']);
        pciDevices = listed?.exitCode === 0 ? parseProcPciDevices(listed.out) : null;
      }
      const found = pciDevices?.find((d) => d.vendorDevice === `${vf.vendorId}${vf.deviceId}`.toLowerCase());
      pci = pciDevices ? (found ? (found.driver ? 'bound' : 'no-driver') : 'absent') : null;
    }
    out.push({ address: vf.address, mac: vf.mac, seen: 'not-seen', interface: null, driver: null, link: null, pci, detail: notSeenDetail(vf, pci) });
  }
  return report('connected', `The guest agent answered${os?.name ? ` (${os.name}${os.kernelRelease ? `, kernel ${os.kernelRelease}` : ''})` : ''}.`, { os, exec, vfs: out });
}

function notSeenDetail(vf: GuestVfTarget, pci: GuestPciPresence | null): string {
  const base = `No interface in the guest has MAC ${vf.mac}`;
  if (pci === 'no-driver') return `${base}: the VF (${vf.vendorId}:${vf.deviceId}) is on the guest’s PCI bus with no driver bound${vf.guestDriver ? ` — install or load ${vf.guestDriver} in the guest` : ''}.`;
  if (pci === 'absent') return `${base}, and no ${vf.vendorId}:${vf.deviceId} function is on the guest’s PCI bus: the VM has not picked up the device (restart it if the VF was added to its definition only).`;
  if (pci === 'bound') return `${base}, though a ${vf.vendorId}:${vf.deviceId} function has a driver in the guest: the guest may have changed the interface’s MAC.`;
  return `${base}.`;
}

async function readWindowsAdapters(runExec: (path: string, args: string[]) => Promise<ExecOutcome | null>): Promise<WindowsAdapter[] | null> {
  const outcome = await runExec('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', 'Get-NetAdapter | Select-Object Name,InterfaceDescription,MacAddress,Status,DriverFileName | ConvertTo-Json']);
  if (!outcome || outcome.exitCode !== 0) return null;
  try {
    return parseWindowsAdapters(outcome.out);
  } catch {
    return null;
  }
}

function unknownVf(vf: GuestVfTarget, detail: string): GuestVf {
  return { address: vf.address, mac: vf.mac, seen: 'unknown', interface: null, driver: null, link: null, pci: null, detail };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
