// The seventh link: whether a VM's guest sees the VFs it was given, as its QEMU guest agent last
// answered (agent/src/hypervisor/guest.ts). Pure: the VM view, the host page's tiles, the drift
// list, the allocation report and the fleet summary all judge a VF the same way.

import type { ReadinessLink, LinkStatus } from './readiness';

/** A VF the guest has answered without for this long is drift, not a guest still booting. */
export const GUEST_DRIFT_AFTER_MS = 3 * 60_000;

export interface GuestVfFacts {
  vmState: string;
  /** The VM's guest agent status; null: not asked yet. */
  guestAgent: string | null;
  guestSeen: string | null;
  guestDriver: string | null;
  guestLink: string | null;
  guestPci: string | null;
  guestDetail: string | null;
  guestNotSeenSince: Date | string | null;
  /** The VF's link state as the PF sets it ("disable": the guest's link is down whatever it does). */
  vfLinkState?: string | null;
  /** The Linux driver for this VF type, from the NIC catalog. */
  expectedDriver?: string | null;
}

export type GuestState = 'seen' | 'not-seen' | 'unknown';

export interface GuestVfVerdict {
  state: GuestState;
  /** "seen by the guest: iavf, link up", "not seen by the guest", "guest: no guest agent". */
  word: string;
  detail: string;
  /** Not seen for longer than GUEST_DRIFT_AFTER_MS. */
  drift: boolean;
  /** The likely cause when not seen. */
  cause: string | null;
}

const time = (value: Date | string | null): number | null => (value === null ? null : new Date(value).getTime());

/** The likely cause of a VF its guest does not show, from what the guest and the PF said. */
export function likelyCause(facts: GuestVfFacts): string {
  if (facts.guestPci === 'no-driver') return `no guest driver for this VF type: install or load ${facts.expectedDriver ?? 'the VF driver'} in the guest`;
  if (facts.guestPci === 'absent') return 'the VM has not picked up the VF: restart it if the VF was cold-plugged (added to its definition only)';
  if (facts.vfLinkState === 'disable') return 'the link is down on the PF (the VF’s link state is disable): set it to auto';
  return `no guest driver for this VF type (${facts.expectedDriver ?? 'the VF driver'}), or the VM was not restarted after a cold-plug`;
}

/** An assignment's last guest read as the inventory stores it (the host page's rows, the drift list). */
export interface AssignmentGuestRead {
  vm: { state?: string | null; guestAgent?: string | null };
  guestSeen?: string | null;
  guestDriver?: string | null;
  guestLink?: string | null;
  guestPci?: string | null;
  guestDetail?: string | null;
  guestNotSeenSince?: Date | string | null;
}

/** What the guest sees of an assigned VF, from its assignment's stored read and the VF's link state. */
export function assignmentGuestVerdict(a: AssignmentGuestRead, vfLinkState: string | null, expectedDriver: string | null, now = Date.now()): GuestVfVerdict {
  return guestVfVerdict(
    {
      vmState: a.vm.state ?? 'running',
      guestAgent: a.vm.guestAgent ?? null,
      guestSeen: a.guestSeen ?? null,
      guestDriver: a.guestDriver ?? null,
      guestLink: a.guestLink ?? null,
      guestPci: a.guestPci ?? null,
      guestDetail: a.guestDetail ?? null,
      guestNotSeenSince: a.guestNotSeenSince ?? null,
      vfLinkState,
      expectedDriver,
    },
    now,
  );
}

export function guestVfVerdict(facts: GuestVfFacts, now = Date.now()): GuestVfVerdict {
  if (facts.vmState !== 'running') return { state: 'unknown', word: 'guest: VM not running', detail: `The VM is ${facts.vmState}: only a running guest can say what it sees.`, drift: false, cause: null };
  if (facts.guestSeen === null || facts.guestAgent === null) return { state: 'unknown', word: 'guest: not checked yet', detail: 'The guest has not been asked yet: it is, at the next sync.', drift: false, cause: null };
  if (facts.guestAgent === 'not-configured' || facts.guestAgent === 'not-responding') {
    return { state: 'unknown', word: 'guest: no guest agent', detail: facts.guestDetail ?? 'No guest agent answers in this VM.', drift: false, cause: null };
  }
  if (facts.guestSeen === 'seen') {
    const parts = [facts.guestDriver ?? 'driver unknown', facts.guestLink ? `link ${facts.guestLink}` : 'link unknown'];
    return { state: 'seen', word: `seen by the guest: ${parts.join(', ')}`, detail: facts.guestDetail ?? '', drift: false, cause: null };
  }
  if (facts.guestSeen === 'not-seen') {
    const since = time(facts.guestNotSeenSince);
    const drift = since !== null && now - since >= GUEST_DRIFT_AFTER_MS;
    return { state: 'not-seen', word: 'not seen by the guest', detail: facts.guestDetail ?? '', drift, cause: likelyCause(facts) };
  }
  return { state: 'unknown', word: 'guest: unknown', detail: facts.guestDetail ?? 'The guest’s answer could not be read.', drift: false, cause: null };
}

/** The VM's seventh link: every VF it holds seen by its guest. */
export type GuestLink = Omit<ReadinessLink, 'id'> & { id: 'guest' };

export function guestLink(vm: { state: string; guestAgent: string | null; guestDetail: string | null }, vfs: GuestVfVerdict[]): GuestLink {
  const base = { id: 'guest' as const, label: 'Guest sees its VFs' };
  const link = (status: LinkStatus, detail: string, fix?: string) => ({ ...base, status, detail, ...(fix ? { fix } : {}) });
  if (vfs.length === 0) return link('unknown', 'The VM holds no VF.');
  if (vm.state !== 'running') return link('unknown', `The VM is ${vm.state}: its guest is asked once it runs.`);
  if (vm.guestAgent === 'not-configured' || vm.guestAgent === 'not-responding') return link('unknown', 'No guest agent answers in this VM, so what it sees cannot be read.', vm.guestDetail ?? undefined);
  const notSeen = vfs.filter((v) => v.state === 'not-seen');
  if (notSeen.length > 0) return link('failing', `${notSeen.length} of ${vfs.length} VF${vfs.length === 1 ? '' : 's'} not seen by the guest.`, notSeen[0]?.cause ?? undefined);
  if (vfs.every((v) => v.state === 'seen')) return link('ok', vfs.map((v) => v.word.replace(/^seen by the guest: /, '')).join('; '));
  return link('unknown', vfs.find((v) => v.state === 'unknown')?.detail ?? 'The guest’s answer could not be read.');
}

/** A VM holding a VF through hostdev cannot be live-migrated (QEMU cannot move a passed-through device's state). */
export const NO_LIVE_MIGRATION = 'A VM holding a VF through hostdev cannot be live-migrated: detach its VFs before migrating it, or stop it and start it on the other host.';
