import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { HostLive } from '@/components/host/host-live';
import { ID_PATTERN } from '@/lib/http';
import { hostQueryKeys, type HostView } from '@/lib/inventory/host-view';
import { listHostOperations } from '@/lib/operations/requests';
import { getHostDetail } from '@/lib/inventory/service';
import { currentPrincipal, requireUser } from '@/lib/auth/current-user';

export const dynamic = 'force-dynamic';

async function loadHost(id: string) {
  return ID_PATTERN.test(id) ? getHostDetail(id) : null;
}

export async function generateMetadata({ params }: PageProps<'/hosts/[id]'>): Promise<Metadata> {
  if (!(await currentPrincipal())) return { title: 'Sign in' };
  const host = await loadHost((await params).id);
  return { title: host?.name ?? 'Host not found' };
}

export default async function HostPage({ params }: PageProps<'/hosts/[id]'>) {
  const { id } = await params;
  await requireUser(`/hosts/${id}`);
  const host = await loadHost(id);
  if (!host) notFound();

  // The first render uses this read; the browser then polls GET /api/hosts/[id], which answers the
  // same shape as JSON (hence the round trip: dates become the strings the API sends).
  const queryClient = new QueryClient();
  queryClient.setQueryData(hostQueryKeys.host(id), JSON.parse(JSON.stringify(host)) as HostView);
  queryClient.setQueryData(hostQueryKeys.operations(id), { operations: await listHostOperations(id) });

  return (
    <div className="space-y-3">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/" className="hover:text-slate-900 hover:underline">
          Fleet
        </Link>{' '}
        / <span className="text-slate-900">{host.name}</span>
      </nav>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <HostLive id={id} />
      </HydrationBoundary>
    </div>
  );
}
