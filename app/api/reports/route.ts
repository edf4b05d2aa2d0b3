import { route } from '@/lib/auth/guard';
import { REPORT_NAMES, REPORTS } from '@/lib/reports/catalog';
import { NextResponse } from 'next/server';

// The reports there are, with the filters each accepts.
export const GET = route('inventory:read', async () =>
  NextResponse.json({
    reports: REPORT_NAMES.map((name) => ({
      name,
      title: REPORTS[name].title,
      question: REPORTS[name].question,
      filters: REPORTS[name].filters,
      columns: REPORTS[name].columns.map((c) => c.key),
      href: `/api/reports/${name}?format=csv`,
    })),
  }),
);
