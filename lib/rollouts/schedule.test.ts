import { describe, expect, it } from 'vitest';
import type { HostPlan } from '@/lib/policies/plan';
import { insideWindows, resolveCount, rolloutOptionsSchema } from './options';
import { assignWaves, decide, type ScheduledHost } from './schedule';
import { hostSteps } from './steps';

const options = (o: Record<string, unknown> = {}) => rolloutOptionsSchema.parse(o);
const host = (id: string, wave: number, state: ScheduledHost['state'] = 'waiting', extra: Partial<ScheduledHost> = {}): ScheduledHost => ({ id, name: id, wave, state, wantsDisruptive: false, unavailable: false, reason: null, ...extra });
const now = new Date('2026-12-02T12:00:00Z');
const running = (o = options(), wave = 0, total = 10) => ({ status: 'running' as const, wave, soakUntil: null, options: o, totalHosts: total });

describe('options', () => {
  it('takes counts or percentages, and never resolves a percentage below one host', () => {
    expect(resolveCount('10%', 1000)).toBe(100);
    expect(resolveCount('10%', 5)).toBe(1);
    expect(resolveCount(20, 200)).toBe(20);
    expect(rolloutOptionsSchema.safeParse({ maxUnavailable: '150%' }).success).toBe(false);
    expect(rolloutOptionsSchema.parse({})).toMatchObject({ canary: 1, maxUnavailable: 1, soakSeconds: 0, waveFailurePercent: 10, onVmsHoldingVfs: 'skip', onRefused: 'fail' });
  });

  it('maintenance windows in UTC, including ones past midnight', () => {
    const nightly = [{ start: '22:00', end: '04:00' }];
    expect(insideWindows(nightly, new Date('2026-12-02T23:30:00Z'))).toBe(true);
    expect(insideWindows(nightly, new Date('2026-12-02T03:59:00Z'))).toBe(true);
    expect(insideWindows(nightly, new Date('2026-12-02T12:00:00Z'))).toBe(false);
    // 2026-12-05 is a Saturday: a Friday-night window still holds after midnight.
    expect(insideWindows([{ days: ['fri'], start: '22:00', end: '02:00' }], new Date('2026-12-05T01:00:00Z'))).toBe(true);
    expect(insideWindows([{ days: ['fri'], start: '22:00', end: '02:00' }], new Date('2026-12-05T23:00:00Z'))).toBe(false);
    expect(insideWindows(undefined, now)).toBe(true);
  });
});

describe('waves', () => {
  it('a canary first, then groups of maxParallel (by default maxUnavailable)', () => {
    expect(assignWaves(7, options({ canary: 1, maxUnavailable: 2 }))).toEqual([0, 1, 1, 2, 2, 3, 3]);
    expect(assignWaves(7, options({ canary: 2, maxUnavailable: 1, maxParallel: 3 }))).toEqual([0, 0, 1, 1, 1, 2, 2]);
    expect(assignWaves(1000, options({ maxUnavailable: '10%' })).filter((w) => w === 1)).toHaveLength(100);
  });
});

describe('decisions', () => {
  it('starts the canary alone, and lets a host begin its reboot only while maxUnavailable allows', () => {
    expect(decide(running(), [host('a', 0), host('b', 1), host('c', 1)], now)).toEqual({ kind: 'work', start: ['a'], disruptive: [] });
    const o = options({ maxUnavailable: 1, maxParallel: 3 });
    const wave = [host('a', 1, 'running', { unavailable: true }), host('b', 1, 'running', { wantsDisruptive: true }), host('c', 1, 'running', { wantsDisruptive: true })];
    expect(decide(running(o, 1), wave, now)).toEqual({ kind: 'work', start: [], disruptive: [] });
    wave[0]!.unavailable = false;
    expect(decide(running(o, 1), wave, now)).toEqual({ kind: 'work', start: [], disruptive: ['b'] });
  });

  it('any failure in the canary halts, naming the host and why; the others are untouched', () => {
    const d = decide(running(), [host('a', 0, 'failed', { reason: 'iLO: Sriov is locked' }), host('b', 1)], now);
    expect(d).toEqual({ kind: 'halt', reason: 'The canary failed: a: iLO: Sriov is locked. The other hosts were not touched.' });
  });

  it('a wave halts past its failure threshold, and moves on below it', () => {
    const o = options({ maxUnavailable: 10 });
    const wave = (failed: number) => Array.from({ length: 10 }, (_, i) => host(`h${i}`, 1, i < failed ? 'failed' : 'done'));
    expect(decide(running(o, 1), [...wave(2), host('x', 2)], now)).toMatchObject({ kind: 'halt', reason: expect.stringMatching(/^Wave 1 failed on 2 of 10 hosts \(more than 10 %\)/) });
    expect(decide(running(o, 1), [...wave(1), host('x', 2)], now)).toEqual({ kind: 'next-wave', wave: 2, soakUntil: null });
  });

  it('soaks between waves, and waits for a maintenance window before a wave starts', () => {
    const soak = options({ soakSeconds: 60 });
    expect(decide(running(soak, 0), [host('a', 0, 'done'), host('b', 1)], now)).toEqual({ kind: 'next-wave', wave: 1, soakUntil: new Date(now.getTime() + 60_000) });
    expect(decide({ ...running(soak, 1), soakUntil: new Date(now.getTime() + 30_000) }, [host('a', 0, 'done'), host('b', 1)], now)).toMatchObject({ kind: 'work', start: [], waiting: expect.stringMatching(/^soaking until/) });
    const night = options({ windows: [{ start: '22:00', end: '04:00' }] });
    expect(decide(running(night, 1), [host('b', 1)], now)).toEqual({ kind: 'work', start: [], disruptive: [], waiting: 'waiting for a maintenance window' });
  });

  it('paused or cancelled: nothing starts, hosts on their way go on', () => {
    const hosts = [host('a', 1, 'running', { wantsDisruptive: true }), host('b', 1)];
    expect(decide({ ...running(options({ maxUnavailable: 2 }), 1), status: 'paused' }, hosts, now)).toEqual({ kind: 'work', start: [], disruptive: ['a'] });
  });

  it('is done when the last wave is over', () => {
    expect(decide(running(options(), 1), [host('a', 0, 'done'), host('b', 1, 'skipped')], now)).toEqual({ kind: 'done' });
  });
});

describe('steps', () => {
  const plan = (changes: HostPlan['changes'], reboot = false): HostPlan => ({
    hostId: 'h', hostName: 'h', model: 'm', generation: 'Gen10', status: 'changes', policies: [], changes, staged: [], vmsLosingVfs: [], estimatedSeconds: null,
    reboot: { needed: reboot, why: [], vmsGoingDown: reboot ? ['vm-web-01'] : [] },
  });
  const change = (kind: HostPlan['changes'][number]['kind'], apply: HostPlan['changes'][number]['apply'], extra: Partial<HostPlan['changes'][number]> = {}) =>
    ({ kind, target: 't', from: null, to: null, needsReboot: kind === 'bios' || kind === 'kernel-args', status: 'planned', policy: 'p', apply, ...extra }) as HostPlan['changes'][number];

  it('BIOS and kernel arguments staged together, one reboot, then VF counts, drivers and settings', () => {
    const steps = hostSteps(
      plan(
        [
          change('vf-settings', { kind: 'set-vf', pfId: 'pf1', vfIndexes: [0, 1], settings: { trust: true } }),
          change('vf-settings', { kind: 'set-vf', pfId: 'pf1', vfIndexes: [0], settings: { spoofchk: false } }),
          change('bios', { kind: 'set-bios', attributes: { Sriov: 'Enabled' } }),
          change('vf-count', { kind: 'set-vf-count', pfId: 'pf1', numVfs: 2 }),
          change('kernel-args', { kind: 'os-fix', fix: 'iommu-args' }),
          change('bios', { kind: 'set-bios', attributes: { IntelProcVtd: 'Enabled' } }),
        ],
        true,
      ),
      { onVmsHoldingVfs: 'skip' },
      [],
    );
    expect(steps.steps.map((s) => [s.id, s.disruptive, s.ops.map((o) => o.op.kind)])).toEqual([
      ['stage', false, ['set-bios', 'os-fix']],
      ['reboot', true, ['reset-host']],
      ['vf-count', false, ['set-vf-count']],
      ['vf-settings', false, ['set-vfs']],
    ]);
    expect(steps.steps[0]!.ops[0]!.op).toEqual({ kind: 'set-bios', attributes: { Sriov: 'Enabled', IntelProcVtd: 'Enabled' } });
    // One operation for the PF, each VF once with every setting of its own.
    expect(steps.steps[3]!.ops[0]!.op).toEqual({ kind: 'set-vfs', pfId: 'pf1', vfs: [{ index: 0, settings: { trust: true, spoofchk: false } }, { index: 1, settings: { trust: true } }] });
    expect(steps.steps[3]!.label).toBe('set trust, spoofchk on 2 VFs');
  });

  it('a VF count VMs would lose VFs to: left out when skipping, preceded by releasing them when going ahead', () => {
    const blocked = change('vf-count', { kind: 'set-vf-count', pfId: 'pf1', numVfs: 8 }, { status: 'blocked', reason: 'VFs of pf1 are assigned' });
    const held = [{ pfId: 'pf1', index: 1, vm: 'vm-web-01' }];
    expect(hostSteps(plan([blocked]), { onVmsHoldingVfs: 'skip' }, held)).toEqual({ steps: [], refused: [], blocked: ['t: VFs of pf1 are assigned'] });
    const ahead = hostSteps(plan([blocked]), { onVmsHoldingVfs: 'proceed' }, held);
    expect(ahead.steps.map((s) => [s.id, s.disruptive, s.label])).toEqual([
      ['release', true, 'release VF 1 from vm-web-01'],
      ['vf-count', true, 't to 8 VFs'],
    ]);
  });
});
