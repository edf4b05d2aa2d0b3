import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { ReportPage } from '@/components/reports/report-page';
import { currentPrincipal, requireUser } from '@/lib/auth/current-user';
import { prisma } from '@/lib/db/client';
import { isReportName, reportQueryKeys, REPORTS, reportSearchParams } from '@/lib/reports/catalog';
import { reportFilterOptions, reportView } from '@/lib/reports/service';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: PageProps<'/reports/[name]'>): Promise<Metadata> {
  const { name } = await params;
  if (!(await currentPrincipal())) return { title: 'Sign in' };
  return { title: isReportName(name) ? REPORTS[name].title : 'Report not found' };
}

export default async function ReportRoute({ params, searchParams }: PageProps<'/reports/[name]'>) {
  const { name } = await params;
  await requireUser(`/reports/${name}`);
  if (!isReportName(name)) notFound();
  const urlParams = reportSearchParams(name, await searchParams);
  const queryClient = new QueryClient();
  // Filters that do not parse are left to the client, which shows the API's message naming the field.
  const query = REPORTS[name].schema.safeParse(Object.fromEntries(urlParams));
  const [options] = await Promise.all([
    reportFilterOptions(prisma),
    query.success && queryClient.prefetchQuery({ queryKey: reportQueryKeys.view(name, urlParams.toString()), queryFn: () => reportView(prisma, name, query.data) }),
  ]);

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <Suspense>
        <ReportPage name={name} options={options} />
      </Suspense>
    </HydrationBoundary>
  );
}
