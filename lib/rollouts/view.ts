// What the rollout API answers, as the browser receives it (dates as ISO strings).

import type { getRollout, listRollouts } from './service';

type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

export type RolloutView = Json<NonNullable<Awaited<ReturnType<typeof getRollout>>>>;
export type RolloutListRow = Json<Awaited<ReturnType<typeof listRollouts>>[number]>;
export type RolloutHostRow = RolloutView['hosts'][number];

export const HOST_STATE_TEXT: Record<string, { word: string; tone: 'good' | 'bad' | 'warn' | 'neutral' | 'info'; icon: string }> = {
  waiting: { word: 'Waiting', tone: 'neutral', icon: '○' },
  running: { word: 'In progress', tone: 'info', icon: '◐' },
  done: { word: 'Done', tone: 'good', icon: '✓' },
  failed: { word: 'Failed', tone: 'bad', icon: '✕' },
  skipped: { word: 'Skipped', tone: 'warn', icon: '–' },
};

export function rolloutStatusText(status: string, finished: boolean): { word: string; tone: 'good' | 'bad' | 'warn' | 'neutral' | 'info' } {
  if (status === 'running') return { word: 'Running', tone: 'info' };
  if (status === 'paused') return { word: 'Paused', tone: 'warn' };
  if (status === 'halted') return { word: 'Halted', tone: 'bad' };
  if (status === 'cancelled') return finished ? { word: 'Cancelled', tone: 'neutral' } : { word: 'Cancelling (hosts on their way finish)', tone: 'warn' };
  return { word: 'Done', tone: 'good' };
}

/** "1 h 4 min", "3 min 20 s", "12 s". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
