import { describe, expect, it } from 'vitest';
import { median, typicalDuration } from './durations';

const run = (seconds: number) => ({ startedAt: '2026-11-24T10:00:00Z', finishedAt: new Date(Date.parse('2026-11-24T10:00:00Z') + seconds * 1000).toISOString() });

describe('how long a reboot usually takes', () => {
  it('is the median: one slow reboot does not move it', () => {
    expect(median([7, 9, 300])).toBe(9);
    expect(median([7, 9])).toBe(8);
    expect(median([])).toBeNull();
  });

  it('prefers this host’s own resets, else its model’s, else says nothing', () => {
    expect(typicalDuration([run(8), run(10), run(9)], [run(60)], 'ProLiant DL380 Gen11')).toEqual({ medianMs: 9000, samples: 3, basis: 'host', model: 'ProLiant DL380 Gen11' });
    expect(typicalDuration([], [run(60), run(80)], 'ProLiant DL380 Gen11')).toEqual({ medianMs: 70_000, samples: 2, basis: 'model', model: 'ProLiant DL380 Gen11' });
    expect(typicalDuration([], [], 'ProLiant DL380 Gen11')).toBeNull();
  });
});
