// What every report row is made of: flat records of plain values, so the same row serialises to
// CSV, to JSON and to a table cell without a per-format mapping.

export type CellValue = string | number | boolean | null;

/** How a cell reads on the page; CSV and JSON carry the raw value. */
export type CellKind = 'text' | 'number' | 'time' | 'yes-no' | 'check' | 'verdict' | 'compliance' | 'placement' | 'status' | 'capacity' | 'operation-kind';

export interface Column<Row> {
  key: keyof Row & string;
  header: string;
  kind?: CellKind;
  /** Left out of the on-screen table (too wide); always in CSV and JSON. */
  downloadOnly?: boolean;
  /** A sentence for the column header's tooltip. */
  description?: string;
  /** Sentences, not values: the cell wraps between words instead of widening the table. */
  wrap?: boolean;
  /** On screen, another field shown under this one's value when it has one (it is a column of its own in CSV and JSON). */
  secondary?: { key: keyof Row & string; label: string };
}

export type ReportRow = Record<string, CellValue>;

export function rowValues<Row extends ReportRow>(columns: readonly Column<Row>[], row: Row): CellValue[] {
  return columns.map((c) => row[c.key] ?? null);
}

export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
