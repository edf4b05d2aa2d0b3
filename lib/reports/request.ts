// Parsing a report request: the report's name, its filters (the report's own strict schema, so
// an unknown or misspelt filter is a 400 naming it) and, for downloads, the format.

import 'server-only';
import { z } from 'zod';
import { errorResponse, parseSearchParams, type Parsed } from '@/lib/http';
import { isReportName, REPORT_FORMATS, REPORT_NAMES, REPORTS, type ReportFormat, type ReportName } from './catalog';

export interface ReportRequest {
  name: ReportName;
  query: Record<string, unknown>;
}

export function parseReportName(name: string): Parsed<ReportName> {
  if (isReportName(name)) return { ok: true, data: name };
  return {
    ok: false,
    response: errorResponse('not-found', `No report named "${name.slice(0, 64)}"; the reports are ${REPORT_NAMES.join(', ')}.`),
  };
}

const formatSchema = z.strictObject({ format: z.enum(REPORT_FORMATS).default('json') });

export function parseReportRequest(rawName: string, params: URLSearchParams, { withFormat }: { withFormat: boolean }): Parsed<ReportRequest & { format: ReportFormat }> {
  const name = parseReportName(rawName);
  if (!name.ok) return name;
  const filters = new URLSearchParams(params);
  const formatParams = new URLSearchParams();
  if (withFormat) {
    for (const value of params.getAll('format')) formatParams.append('format', value);
    filters.delete('format');
  }
  const format = parseSearchParams(formatSchema, formatParams);
  if (!format.ok) return format;
  const query = parseSearchParams(REPORTS[name.data].schema, filters);
  if (!query.ok) return query;
  return { ok: true, data: { name: name.data, query: query.data as Record<string, unknown>, format: format.data.format } };
}
