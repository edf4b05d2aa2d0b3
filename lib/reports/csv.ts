// CSV as RFC 4180 describes it (CRLF line ends, quotes doubled), with one addition: text that a
// spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) is prefixed with a single
// quote. VM names, users and error messages come from outside and end up opened in Excel.

import type { CellValue } from './columns';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CellValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
