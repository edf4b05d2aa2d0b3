import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { VmList } from '@/components/vms/vm-list';
import { requireUser } from '@/lib/auth/current-user';
import { hostQueryKeys, vmFilterFromParams, vmSearchParams } from '@/lib/inventory/host-view';
import { listHostNames } from '@/lib/inventory/service';
import { listVms, vmQuerySchema } from '@/lib/inventory/vms';

export const metadata: Metadata = { title: 'Virtual machines' };
export const dynamic = 'force-dynamic';

export default async function VmsPage({ searchParams }: PageProps<'/vms'>) {
  await requireUser('/vms');
  const filter = vmFilterFromParams(await searchParams);
  const hosts = await listHostNames();
  const queryClient = new QueryClient();
  // A filter the API would refuse (a malformed host id) is left for the browser to show its error.
  const parsed = vmQuerySchema.safeParse(Object.fromEntries(vmSearchParams(filter)));
  if (parsed.success) queryClient.setQueryData(hostQueryKeys.vms(filter), await listVms(parsed.data));

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Virtual machines</h1>
        <p className="text-sm text-slate-600">Every VM the agents report, with the VFs it holds. A VF whose NIC sits on another NUMA node than its VM sends traffic across the socket interconnect. What each guest sees of its VFs comes from its QEMU guest agent; a VM holding a VF through hostdev cannot be live-migrated.</p>
      </div>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <Suspense>
          <VmList hosts={hosts} />
        </Suspense>
      </HydrationBoundary>
    </div>
  );
}
