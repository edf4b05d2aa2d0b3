// How a rollout carries a plan out, as the operator asks for it at apply time. Defaults are the
// careful ones: one canary host, one host unavailable at a time, halt at any canary failure or
// more than 10 % of a wave, skip hosts whose VMs would lose VFs, fail hosts the plan refused.
// Pure (zod only): the rollout form validates with it in the browser.

import { z } from 'zod';

const count = z.union([
  z.number().int('a whole number of hosts').min(1, 'at least 1'),
  z
    .string()
    .regex(/^([1-9]\d?|100)%$/, 'a number of hosts, or a percentage of the plan’s hosts like "10%"'),
]);

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const windowSchema = z.strictObject({
  days: z.array(z.enum(DAYS)).min(1).max(7).optional(),
  /** UTC, "22:00". A window that ends before it starts runs past midnight. */
  start: z.string().regex(HH_MM, 'a UTC time like 22:00'),
  end: z.string().regex(HH_MM, 'a UTC time like 04:00'),
});
export type MaintenanceWindow = z.infer<typeof windowSchema>;

export const rolloutOptionsSchema = z.strictObject({
  /** Hosts changed first, alone; any failure among them halts (canaryFailures: how many are tolerated). */
  canary: z.number().int().min(0).max(100).default(1),
  canaryFailures: z.number().int().min(0).default(0),
  /** The canary's hosts by name (the most telling ones: a new model, a host with a lock); they go first, and the canary is at least as many. */
  canaryHosts: z.array(z.string().min(1).max(253)).max(100).optional(),
  /** Hosts unavailable at once, from their first disruptive step until they are ready again. */
  maxUnavailable: count.default(1),
  /** Hosts in progress at once (a wave's size); by default maxUnavailable. */
  maxParallel: count.optional(),
  /** Pause between waves. */
  soakSeconds: z.number().int().min(0).max(7 * 24 * 3600).default(0),
  /** A wave halts the rollout when more than this share of its hosts fail. */
  waveFailurePercent: z.number().min(0).max(100).default(10),
  /** Hosts whose plan takes VFs from VMs: skip them, wait until the VFs are released, or go ahead (the VMs named in the plan lose them). */
  onVmsHoldingVfs: z.enum(['skip', 'wait', 'proceed']).default('skip'),
  /** Hosts with a change the plan refused: count them failed (the careful default), or skip them. */
  onRefused: z.enum(['fail', 'skip']).default('fail'),
  /** Waves start only inside these (UTC); none: any time. */
  windows: z.array(windowSchema).max(14).optional(),
  /** A host reset by any rollout in the last hour is reset again only with this. */
  confirmRecentReboots: z.boolean().default(false),
});
export type RolloutOptions = z.infer<typeof rolloutOptionsSchema>;

/** A number of hosts or a percentage of `of`, never below 1. */
export function resolveCount(value: number | string, of: number): number {
  if (typeof value === 'number') return value;
  return Math.max(1, Math.floor((of * Number(value.slice(0, -1))) / 100));
}

export function insideWindows(windows: readonly MaintenanceWindow[] | undefined, now: Date): boolean {
  if (!windows || windows.length === 0) return true;
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  const day = DAYS[now.getUTCDay()]!;
  const yesterday = DAYS[(now.getUTCDay() + 6) % 7]!;
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return windows.some((w) => {
    const start = toMinutes(w.start);
    const end = toMinutes(w.end);
    const on = (d: (typeof DAYS)[number]) => !w.days || w.days.includes(d);
    if (start <= end) return on(day) && minutes >= start && minutes < end;
    // Past midnight: the part after midnight belongs to the day the window started.
    return (on(day) && minutes >= start) || (on(yesterday) && minutes < end);
  });
}
