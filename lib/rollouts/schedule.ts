// What a rollout does next, decided from its state alone: which hosts of the current wave start,
// which may begin a disruptive step, whether the wave is over and how it went (halt, soak, next
// wave, done). Pure, so every rule is tested without a fleet; the driver carries decisions out.

import { insideWindows, resolveCount, type RolloutOptions } from './options';

export type HostState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export interface ScheduledHost {
  id: string;
  name: string;
  wave: number;
  state: HostState;
  /** Its next step is disruptive and has not started. */
  wantsDisruptive: boolean;
  /** Between its first disruptive step and being ready again. */
  unavailable: boolean;
  reason: string | null;
}

export interface RolloutState {
  status: 'running' | 'paused' | 'halted' | 'cancelled' | 'done';
  wave: number;
  soakUntil: Date | null;
  options: RolloutOptions;
  /** Every host of the plan's rollout, for percentages. */
  totalHosts: number;
}

export type Decision =
  | { kind: 'work'; start: string[]; disruptive: string[]; waiting?: string }
  | { kind: 'halt'; reason: string }
  | { kind: 'next-wave'; wave: number; soakUntil: Date | null }
  | { kind: 'done' };

export function limits(options: RolloutOptions, totalHosts: number): { maxUnavailable: number; maxParallel: number } {
  const maxUnavailable = resolveCount(options.maxUnavailable, totalHosts);
  return { maxUnavailable, maxParallel: options.maxParallel === undefined ? maxUnavailable : resolveCount(options.maxParallel, totalHosts) };
}

/** Waves: the canary first (wave 0), then groups of maxParallel, in the plan's order. */
export function assignWaves(hostCount: number, options: RolloutOptions): number[] {
  const { maxParallel } = limits(options, hostCount);
  const canary = Math.min(options.canary, hostCount);
  return Array.from({ length: hostCount }, (_, i) => (i < canary ? 0 : 1 + Math.floor((i - canary) / maxParallel)));
}

const terminal = (h: ScheduledHost) => h.state === 'done' || h.state === 'failed' || h.state === 'skipped';

export function decide(rollout: RolloutState, hosts: readonly ScheduledHost[], now: Date): Decision {
  const { maxUnavailable, maxParallel } = limits(rollout.options, rollout.totalHosts);
  const waves = [...new Set(hosts.map((h) => h.wave))].sort((a, b) => a - b);
  const wave = hosts.filter((h) => h.wave === rollout.wave);
  const stopping = rollout.status !== 'running';

  if (wave.length > 0 && wave.every(terminal)) {
    const failed = wave.filter((h) => h.state === 'failed');
    if (rollout.wave === 0 && failed.length > rollout.options.canaryFailures) {
      return { kind: 'halt', reason: `The canary failed: ${failed.map((h) => `${h.name}: ${h.reason ?? 'failed'}`).join('; ')}. The other hosts were not touched.` };
    }
    if (rollout.wave > 0 && (failed.length / wave.length) * 100 > rollout.options.waveFailurePercent) {
      return { kind: 'halt', reason: `Wave ${rollout.wave} failed on ${failed.length} of ${wave.length} hosts (more than ${rollout.options.waveFailurePercent} %): ${failed.map((h) => `${h.name}: ${h.reason ?? 'failed'}`).join('; ')}.` };
    }
    const next = waves.find((w) => w > rollout.wave);
    if (next === undefined) return { kind: 'done' };
    return { kind: 'next-wave', wave: next, soakUntil: rollout.options.soakSeconds > 0 ? new Date(now.getTime() + rollout.options.soakSeconds * 1000) : null };
  }
  if (wave.length === 0) {
    const next = waves.find((w) => w > rollout.wave);
    return next === undefined ? { kind: 'done' } : { kind: 'next-wave', wave: next, soakUntil: null };
  }

  const running = hosts.filter((h) => h.state === 'running');
  const unavailable = hosts.filter((h) => h.unavailable).length;
  // Hosts already on their way go on while paused or cancelled; none starts.
  const disruptive: string[] = [];
  let room = maxUnavailable - unavailable;
  for (const h of running) {
    if (h.wantsDisruptive && !h.unavailable && room > 0) {
      disruptive.push(h.id);
      room--;
    }
  }
  const start: string[] = [];
  let waiting: string | undefined;
  if (!stopping) {
    if (rollout.soakUntil && rollout.soakUntil > now) waiting = `soaking until ${rollout.soakUntil.toISOString()}`;
    else if (!insideWindows(rollout.options.windows, now) && running.length === 0 && wave.every((h) => h.state === 'waiting')) waiting = 'waiting for a maintenance window';
    else {
      let slots = maxParallel - running.length;
      for (const h of wave) {
        if (slots <= 0) break;
        if (h.state === 'waiting') {
          start.push(h.id);
          slots--;
        }
      }
    }
  }
  return { kind: 'work', start, disruptive, ...(waiting ? { waiting } : {}) };
}
