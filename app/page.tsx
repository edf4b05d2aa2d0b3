import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { FleetTable } from '@/components/fleet/fleet-table';
import { SummaryTiles } from '@/components/fleet/summary-tiles';
import { fleetQueryFromParams, fleetQueryKeys } from '@/lib/inventory/fleet-params';
import { getFleetSummary, listFleet } from '@/lib/inventory/service';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';
import Link from 'next/link';

export const dynamic = 'force-dynamic';

export default async function FleetPage({ searchParams }: PageProps<'/'>) {
  const principal = await requireUser('/');
  const query = fleetQueryFromParams(await searchParams);
  const [summary, page] = await Promise.all([getFleetSummary(), listFleet(query)]);
  const queryClient = new QueryClient();
  queryClient.setQueryData(fleetQueryKeys.summary, summary);
  queryClient.setQueryData(fleetQueryKeys.hosts(query), page);

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <div className="space-y-5">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">Fleet</h1>
            <p className="text-sm text-slate-600">Which hosts can run SR-IOV workloads, and how their virtual functions are used.</p>
          </div>
          {can(principal.role, 'host:manage') && (
            <Link href="/hosts/new" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700">
              Register a host
            </Link>
          )}
        </div>
        <SummaryTiles />
        <Suspense>
          <FleetTable />
        </Suspense>
      </div>
    </HydrationBoundary>
  );
}
