// How long a reboot usually takes, to say how long the current one has been going against it:
// the median of this host's last successful resets, else of its model's (a first reboot of a host
// has nothing of its own to compare with; a DL380 Gen10 boots like another DL380 Gen10). Pure.

export interface TimedRun {
  startedAt: Date | string;
  finishedAt: Date | string;
}

export interface TypicalDuration {
  medianMs: number;
  /** How many runs the median is of. */
  samples: number;
  /** Whose runs: this host's own, or other hosts of the same model. */
  basis: 'host' | 'model';
  model: string;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ms = (run: TimedRun) => new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime();

export function typicalDuration(own: readonly TimedRun[], sameModel: readonly TimedRun[], model: string): TypicalDuration | null {
  const pick = own.length > 0 ? { runs: own, basis: 'host' as const } : sameModel.length > 0 ? { runs: sameModel, basis: 'model' as const } : null;
  if (!pick) return null;
  const values = pick.runs.map(ms).filter((v) => Number.isFinite(v) && v >= 0);
  const m = median(values);
  return m === null ? null : { medianMs: m, samples: values.length, basis: pick.basis, model };
}

/** How many of a host's own resets (and of its model's) the median looks at: recent ones, as the host is now. */
export const RECENT_RESETS = { host: 5, model: 20 } as const;
