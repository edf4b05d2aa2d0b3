'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError, apiGet } from '@/lib/api-client';
import { reportQueryKeys, type ReportName, type ReportView } from '@/lib/reports/catalog';

/** One report's figures and first rows for the filters in `params` (the URL's query string). */
export function useReportView(name: ReportName, params: string) {
  return useQuery({
    queryKey: reportQueryKeys.view(name, params),
    queryFn: ({ signal }) => apiGet<ReportView>(`/api/reports/${name}/view${params ? `?${params}` : ''}`, signal),
    placeholderData: keepPreviousData,
    // A 400 names a filter the user typed wrong; asking again will not fix it.
    retry: (count, error) => count < 1 && !(error instanceof ApiError && error.status === 400),
  });
}
