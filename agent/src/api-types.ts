// The agent's HTTP API, as JSON shapes. No imports on purpose: the dashboard server imports this
// file (`import type { Inventory } from '@/agent/src/api-types'`) without pulling in agent code.
//
// Routes (all under /v1, all but /v1/health and /v1/ready need `Authorization: Bearer <token>`):
//   GET    /v1/health                         -> Health
//   GET    /v1/ready                          -> Readiness (503 `unavailable` naming the failing checks)
//   GET    /v1/inventory                      -> Inventory
//   PUT    /v1/pfs/{pf}/num-vfs               SetNumVfsRequest -> ChangeResult<PhysicalFunction>
//   PATCH  /v1/vfs/{vf}                       SetVfRequest     -> ChangeResult<VirtualFunction>
//   PUT    /v1/vfs/{vf}/driver                BindRequest      -> ChangeResult<VirtualFunction>
//   GET    /v1/vms                            -> VmList
//   POST   /v1/vms/{vm}/attach                AttachRequest    -> ChangeResult<Vm>
//   POST   /v1/vms/{vm}/detach                DetachRequest    -> ChangeResult<Vm>
//   GET    /v1/vms/{vm}/guest                 -> GuestReport   (through the QEMU guest agent)
//   GET    /v1/desired-state                  -> DesiredStateReport
//   POST   /v1/host/iommu-args                -> OsFixResult   (kernel args for the next boot)
//   POST   /v1/host/vfio                      -> OsFixResult   (vfio-pci now and at every boot)
//   POST   /v1/sim/reboot                     SimRebootRequest -> { rebooting: true } (simulated hosts only)
//   GET    /v1/bios                           -> BiosReport                        (iLO, X-Ilo-Target)
//   PATCH  /v1/bios                           BiosPatchRequest -> { change: BiosChangeResult, bios: BiosReport }
//   POST   /v1/power/reset                    PowerResetRequest -> PowerResetResult (iLO, X-Ilo-Target)
// Every failure answers with ErrorEnvelope and the HTTP status listed in ERROR_STATUS.
// GET /v1/inventory and GET /v1/vms carry an ETag and answer 304 with no body to a matching
// If-None-Match; the inventory's ETag leaves out collectedAt and durationMs (agent/src/etag.ts).
//
// The three iLO routes reach the host's iLO through Redfish with the target the server sends in
// the X-Ilo-Target header: `encodeIloTarget({ url, username, password, trust })` from
// agent/src/redfish (base64url JSON); the agent keeps none of it. Node caps all headers at 16 KiB
// together, so a `ca` trust holds a few certificates, not a long bundle (pin the fingerprint).
// BiosReport and BiosChangeResult are the Redfish client's shapes (agent/src/redfish/bios.ts):
// `import type { BiosReport, BiosChangeResult, IloTarget } from '@/agent/src/redfish'`.

export type PciAddress = string; // "0000:04:00.0", lower-case, always with the domain

export type CpuVendor = 'intel' | 'amd' | 'unknown';

export interface HostFacts {
  hostname: string;
  /** /proc/sys/kernel/random/boot_id: changes at every boot, so a reset is seen to have happened. */
  bootId: string | null;
  kernelRelease: string;
  cmdline: string;
  cpuVendor: CpuVendor;
  /** NUMA nodes online (/sys/devices/system/node/online); null when the kernel does not say. */
  numaNodes: number | null;
  iommu: {
    /** Groups exist and an IOMMU unit is registered: what vfio needs, whatever the cmdline says. */
    active: boolean;
    groups: number;
    /** Entries of /sys/class/iommu (dmar0, ivhd0). */
    units: string[];
    /** The ACPI table the BIOS publishes only with VT-d / AMD-Vi on. */
    acpiTable: 'DMAR' | 'IVRS' | null;
    /** What /proc/cmdline asks for; reported, not used to decide `active`. */
    cmdlineArgs: string[];
  };
  modules: { kvm: boolean; vfioPci: boolean };
}

export type LinkState = 'auto' | 'enable' | 'disable';

export interface VirtualFunction {
  index: number;
  address: PciAddress;
  vendorId: string;
  deviceId: string;
  driver: string | null;
  driverOverride: string | null;
  netdev: string | null;
  iommuGroup: number | null;
  /** Settings as the PF driver reports them (`ip -j link show`); null when not reported. */
  mac: string | null;
  vlan: number | null;
  qos: number | null;
  trust: boolean | null;
  spoofchk: boolean | null;
  linkState: LinkState | null;
  maxTxRate: number | null;
  minTxRate: number | null;
  /** The VM whose definition holds this VF, when a hypervisor is known. */
  vm: string | null;
}

export interface PhysicalFunction {
  address: PciAddress;
  vendorId: string;
  deviceId: string;
  subsystemVendorId: string | null;
  subsystemDeviceId: string | null;
  /** PCI class code, e.g. "020000" for Ethernet. */
  classCode: string | null;
  driver: string | null;
  netdev: string | null;
  numaNode: number | null;
  totalVfs: number;
  numVfs: number;
  autoprobe: boolean;
  vfDeviceId: string | null;
  vfs: VirtualFunction[];
}

export interface Inventory {
  agentVersion: string;
  collectedAt: string;
  durationMs: number;
  host: HostFacts;
  pfs: PhysicalFunction[];
  /** What could not be read (ip or virsh failing); the rest of the inventory still stands. */
  warnings: string[];
}

export interface Health {
  ok: true;
  agentVersion: string;
  simulated: boolean;
  /** Changes at every boot of the host: the server compares it to tell that a reset completed. */
  bootId: string | null;
  uptimeSeconds: number;
}

/** One readiness check: `skipped` when it does not apply (an agent that keeps no desired state). */
export interface ReadinessCheck {
  state: 'ok' | 'failing' | 'skipped';
  detail: string;
}

/** GET /v1/ready: the agent can read the host and keep what the server pushes across reboots. */
export interface Readiness {
  ready: boolean;
  checks: {
    /** /sys/bus/pci/devices lists the host's PCI functions. */
    sysfs: ReadinessCheck;
    /** A file can be written in the folder of desired-state.json. */
    state: ReadinessCheck;
  };
}

export interface SetNumVfsRequest {
  numVfs: number;
  /** How long to wait for the VFs and their netdevs; default 10 000 ms. */
  timeoutMs?: number;
}

export interface VfSettings {
  mac?: string;
  /** 0 removes the VLAN. */
  vlan?: number;
  qos?: number;
  trust?: boolean;
  spoofchk?: boolean;
  linkState?: LinkState;
  /** Mbit/s, 0 = unlimited. */
  maxTxRate?: number;
}
export type SetVfRequest = VfSettings;

export type DriverTarget = 'vfio-pci' | 'default';
export interface BindRequest {
  driver: DriverTarget;
}

export type VmState = 'running' | 'shut off' | 'paused' | 'other';
export interface Vm {
  name: string;
  /** libvirt's domain UUID, lower-case; null when libvirt does not say. */
  uuid: string | null;
  state: VmState;
  /** vCPUs the domain has now (`<vcpu current>`, else `<vcpu>`); null when libvirt does not say. */
  vcpus: number | null;
  /** `<memory>` (the boot-time maximum, not the balloon's current size) in MiB. */
  memoryMiB: number | null;
  /**
   * The host NUMA node the VM lives on: the single node of `<numatune><memory nodeset>` (or of
   * all `<memnode>` together), else the single node of the host CPUs its vCPUs may run on
   * (`<vcpu cpuset>`, `<vcpupin>`); null when libvirt names none or several.
   */
  numaNode: number | null;
  /** PCI addresses of the host devices (VFs) in the VM's definition. */
  hostdevs: PciAddress[];
}
export interface VmList {
  vms: Vm[];
}

/**
 * How the VM's QEMU guest agent answered. connected: it did. not-configured: the domain has no
 * org.qemu.guest_agent.0 channel. not-responding: the channel is there and nothing in the guest
 * answers on it (the package is not installed or not started). vm-not-running: only a running
 * guest can be asked. error: libvirt refused otherwise (the detail says how).
 */
export type GuestAgentStatus = 'connected' | 'not-configured' | 'not-responding' | 'vm-not-running' | 'error';
export const GUEST_AGENT_STATUSES = ['connected', 'not-configured', 'not-responding', 'vm-not-running', 'error'] as const satisfies readonly GuestAgentStatus[];

/** Whether guest-exec ran in the guest (the driver and link state need it); disabled: the guest blocks it. */
export type GuestExecStatus = 'allowed' | 'disabled' | 'failed' | 'not-tried';

/** seen: an interface with the VF's MAC is in the guest. not-seen: the guest answered without one. unknown: it could not be told, the detail says why. */
export type GuestSeen = 'seen' | 'not-seen' | 'unknown';
export const GUEST_SEEN = ['seen', 'not-seen', 'unknown'] as const satisfies readonly GuestSeen[];

/** The VF's PCI function inside a Linux guest (/proc/bus/pci/devices): with a driver, without one, or not there at all. */
export type GuestPciPresence = 'bound' | 'no-driver' | 'absent';

export interface GuestOs {
  /** guest-get-osinfo's id: "rhel", "ubuntu", "mswindows". */
  id: string | null;
  /** pretty-name, else name: "Red Hat Enterprise Linux 9.4 (Plow)", "Windows Server 2022 Standard". */
  name: string | null;
  /** kernel-release: "5.14.0-427.13.1.el9_4.x86_64"; Windows gives its build number ("20348"). */
  kernelRelease: string | null;
}

export interface GuestVf {
  address: PciAddress;
  /** The MAC the VF has on the host (what the guest should see); null when the PF does not say. */
  mac: string | null;
  seen: GuestSeen;
  /** The guest's name for the interface: "enp7s0", "Ethernet 2". */
  interface: string | null;
  /** The driver bound to it in the guest: "iavf", "mlx5_core"; on Windows the adapter's driver file ("iavf.sys"). */
  driver: string | null;
  link: 'up' | 'down' | null;
  pci: GuestPciPresence | null;
  /** What was seen, or why it is unknown, in an operator's words. */
  detail: string;
}

export interface GuestReport {
  vm: string;
  agent: GuestAgentStatus;
  /** In words; when there is no guest agent, how to install one. */
  detail: string;
  os: GuestOs | null;
  exec: GuestExecStatus;
  /** One per VF the VM holds (its PCI host devices). */
  vfs: GuestVf[];
  checkedAt: string;
}

export interface AttachRequest {
  vf: PciAddress;
  mac?: string;
  vlan?: number;
}
export interface DetachRequest {
  vf: PciAddress;
}

export interface ChangeResult<T> {
  /** False when the host already was as asked (every operation is idempotent). */
  changed: boolean;
  result: T;
  /** What was done, in order, for the operator's log. */
  steps: string[];
}

/** Simulated hosts only: a server reset with the BIOS values of the next boot. */
export interface SimRebootRequest {
  sriov: boolean;
  iommu: boolean;
}

export interface OsFixResult {
  changed: boolean;
  rebootNeeded: boolean;
  steps: string[];
}

export interface DesiredVf {
  mac?: string;
  vlan?: number;
  qos?: number;
  trust?: boolean;
  spoofchk?: boolean;
  linkState?: LinkState;
  maxTxRate?: number;
  driver?: DriverTarget;
}
export interface DesiredPf {
  numVfs: number;
  vfs: Record<string, DesiredVf>; // keyed by VF index
}
export interface DesiredState {
  version: 1;
  updatedAt: string | null;
  pfs: Record<PciAddress, DesiredPf>;
}
export interface Drift {
  address: PciAddress;
  field: string;
  desired: unknown;
  actual: unknown;
}
export interface DesiredStateReport {
  desired: DesiredState;
  drift: Drift[];
}

/** PATCH /v1/bios. Values the iLO's attribute registry does not know are refused with 400 before anything is sent. */
export interface BiosPatchRequest {
  attributes: Record<string, string>;
}

/** POST /v1/power/reset; `kind` defaults to GracefulRestart (the iLO may only offer ForceRestart). */
export interface PowerResetRequest {
  kind?: 'GracefulRestart' | 'ForceRestart';
}
export interface PowerResetResult {
  /** What was sent, from the iLO's allowable values. */
  resetType: 'GracefulRestart' | 'ForceRestart';
  powerState: string | null;
}

/** The Redfish client's error codes (RedfishErrorCode in agent/src/redfish/errors.ts). */
export type IloErrorCode =
  | 'auth-failed'
  | 'session-limit'
  | 'forbidden'
  | 'not-found'
  | 'refused'
  | 'busy'
  | 'unreachable'
  | 'timeout'
  | 'untrusted-certificate'
  | 'protocol'
  | 'invalid-change'
  | 'locked-by-profile'
  | 'change-not-recorded'
  | 'unsupported';

/** What went wrong between the agent and the iLO: several iLO failures share one ErrorCode. */
export interface IloErrorDetail {
  code: IloErrorCode;
  /** The iLO's own MessageId (e.g. Base.1.4.SessionLimitExceeded) when it gave one. */
  messageId?: string;
  /** untrusted-certificate: what the iLO presented, to show the operator before pinning it. */
  presentedFingerprint256?: string;
}

export type ErrorCode =
  | 'bad-request'
  | 'unauthorized'
  | 'not-found'
  | 'method-not-allowed'
  | 'payload-too-large'
  | 'busy'
  | 'conflict'
  | 'refused'
  | 'timeout'
  | 'unavailable'
  | 'not-saved'
  | 'internal';

export const ERROR_STATUS: Record<ErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  'not-found': 404,
  'method-not-allowed': 405,
  'payload-too-large': 413,
  busy: 409, // another change on the same PF is running
  conflict: 409, // the host's state forbids it (VF attached to a VM, ...)
  refused: 422, // the kernel or a driver said no; `errno` says which refusal
  timeout: 504,
  unavailable: 503,
  // The change is in effect but desired-state.json could not be written (ENOSPC, EROFS, EIO):
  // it would not be re-applied after a reboot. 507 Insufficient Storage.
  'not-saved': 507,
  internal: 500,
};

export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    /** The kernel's or driver's errno name when it refused: EBUSY, ERANGE, EINVAL, ENOENT, EPERM, ENOMEM, EOPNOTSUPP. */
    errno?: string;
    issues?: { path: string; message: string }[];
    /** iLO routes only: auth-failed, unreachable and untrusted-certificate need different advice. */
    ilo?: IloErrorDetail;
  };
}
