import { describe, expect, it } from 'vitest';
import { GUEST_DRIFT_AFTER_MS, guestLink, guestVfVerdict, type GuestVfFacts } from './guest';

const base: GuestVfFacts = { vmState: 'running', guestAgent: 'connected', guestSeen: 'seen', guestDriver: 'iavf', guestLink: 'up', guestPci: 'bound', guestDetail: 'The guest shows enp7s0.', guestNotSeenSince: null, expectedDriver: 'iavf' };
const now = Date.parse('2026-12-03T12:00:00Z');
const notSeen = (facts: Partial<GuestVfFacts>) => guestVfVerdict({ ...base, guestSeen: 'not-seen', guestDriver: null, guestLink: null, guestNotSeenSince: new Date(now - GUEST_DRIFT_AFTER_MS), ...facts }, now);

describe('what the guest sees, judged', () => {
  it('seen: the driver and link in the words the tiles show', () => {
    expect(guestVfVerdict(base, now)).toMatchObject({ state: 'seen', word: 'seen by the guest: iavf, link up', drift: false });
  });

  it('not seen: drift from GUEST_DRIFT_AFTER_MS on, with the likely cause', () => {
    expect(notSeen({ guestNotSeenSince: new Date(now - GUEST_DRIFT_AFTER_MS + 1000) }).drift).toBe(false);
    expect(notSeen({ guestPci: 'no-driver' })).toMatchObject({ drift: true, cause: 'no guest driver for this VF type: install or load iavf in the guest' });
    expect(notSeen({ guestPci: 'absent' }).cause).toMatch(/restart it if the VF was cold-plugged/);
    expect(notSeen({ guestPci: null, vfLinkState: 'disable' }).cause).toMatch(/link is down on the PF/);
  });

  it('no agent, a VM not running, never asked: unknown, never drift', () => {
    expect(guestVfVerdict({ ...base, guestAgent: 'not-configured', guestSeen: 'unknown' }, now)).toMatchObject({ state: 'unknown', word: 'guest: no guest agent', drift: false });
    expect(guestVfVerdict({ ...base, vmState: 'shut off' }, now).state).toBe('unknown');
    expect(guestVfVerdict({ ...base, guestSeen: null, guestAgent: null }, now).word).toBe('guest: not checked yet');
  });

  it('the seventh link: ok when every VF is seen, failing with the cause when one is not', () => {
    const vm = { state: 'running', guestAgent: 'connected', guestDetail: null };
    expect(guestLink(vm, [guestVfVerdict(base, now)])).toMatchObject({ status: 'ok', detail: 'iavf, link up' });
    expect(guestLink(vm, [guestVfVerdict(base, now), notSeen({ guestPci: 'no-driver' })])).toMatchObject({ status: 'failing', detail: '1 of 2 VFs not seen by the guest.', fix: expect.stringMatching(/install or load iavf/) });
    expect(guestLink({ ...vm, guestAgent: 'not-responding', guestDetail: 'install qemu-guest-agent' }, [guestVfVerdict({ ...base, guestAgent: 'not-responding', guestSeen: 'unknown' }, now)])).toMatchObject({ status: 'unknown', fix: 'install qemu-guest-agent' });
  });
});
