// Reports are streamed, so their figures (tiles, charts, the JSON trailer) are added up row by row
// instead of from an array held in memory.

export interface Tally<Row, Summary> {
  add(row: Row): void;
  result(): Summary;
}

export function summarize<Row, Summary>(tally: Tally<Row, Summary>, rows: Iterable<Row>): Summary {
  for (const row of rows) tally.add(row);
  return tally.result();
}

/** The oldest and newest time the rows' data was reported, for the "data read at" header. */
export interface ObservedRange {
  oldest: string | null;
  newest: string | null;
  /** Hosts whose agent has never reported. */
  neverReported: number;
}

export function observedRangeTally() {
  let oldest: string | null = null;
  let newest: string | null = null;
  let neverReported = 0;
  const seen = new Set<string>();
  return {
    add(host: string, observedAt: string | null) {
      if (seen.has(host)) return;
      seen.add(host);
      if (observedAt === null) {
        neverReported++;
        return;
      }
      // ISO-8601 UTC strings order like the times they stand for.
      if (oldest === null || observedAt < oldest) oldest = observedAt;
      if (newest === null || observedAt > newest) newest = observedAt;
    },
    hosts: () => seen.size,
    result: (): ObservedRange => ({ oldest, newest, neverReported }),
  };
}
