import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { BiosPanel } from '@/components/host/bios-panel';
import { PfCard } from '@/components/host/pf-card';
import { ReadinessChain } from '@/components/host/readiness-chain';
import { VmTable } from '@/components/host/vm-table';
import { Card, Facts, YesNo } from '@/components/ui/card';
import { AgentBadge } from '@/components/ui/status';
import { ID_PATTERN } from '@/lib/http';
import { getHostDetail } from '@/lib/inventory/service';
import { currentPrincipal, requireUser } from '@/lib/auth/current-user';
import type { AgentStatus } from '@/lib/inventory/vocabulary';

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

  const sriovPfs = host.physicalFunctions.filter((pf) => pf.totalVfs > 0);
  const otherPfs = host.physicalFunctions.filter((pf) => pf.totalVfs === 0);

  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/" className="hover:text-slate-900 hover:underline">
          Fleet
        </Link>{' '}
        / <span className="text-slate-900">{host.name}</span>
      </nav>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{host.name}</h1>
          <p className="text-sm text-slate-600">
            {host.model} · {host.generation} · {host.cpuVendor} · serial {host.serialNumber}
          </p>
        </div>
        <div className="flex items-center gap-2 text-sm">
          <span className="text-slate-500">Agent</span>
          <AgentBadge status={host.agentStatus as AgentStatus} lastSeenAt={host.lastSeenAt} />
          {host.powerState && <span className="text-slate-500">· Power {host.powerState}</span>}
        </div>
      </div>

      <ReadinessChain readiness={host.readiness} />

      <div className="grid gap-5 lg:grid-cols-2">
        <Card title="Operating system">
          <Facts
            items={[
              ['Kernel', host.kernelRelease],
              ['Command line', host.kernelCmdline && <code className="font-mono text-xs">{host.kernelCmdline}</code>],
              ['IOMMU active', <YesNo key="iommu" value={host.iommuActive} />],
              ['kvm loaded', <YesNo key="kvm" value={host.kvmLoaded} />],
              ['vfio-pci loaded', <YesNo key="vfio" value={host.vfioPciLoaded} />],
              ['NUMA nodes', host.numaNodes],
              ['Agent', `${host.agentUrl}${host.agentVersion ? ` · v${host.agentVersion}` : ''}`],
            ]}
          />
        </Card>
        <BiosPanel host={host} />
      </div>

      <section aria-labelledby="pfs-heading" className="space-y-3">
        <h2 id="pfs-heading" className="text-lg font-semibold">
          Physical functions
          <span className="ml-2 text-sm font-normal text-slate-500">
            {sriovPfs.length} SR-IOV capable of {host.physicalFunctions.length}
          </span>
        </h2>
        {host.physicalFunctions.length === 0 && <p className="text-sm text-slate-500">The agent has not reported this host’s PCI functions yet.</p>}
        {[...sriovPfs, ...otherPfs].map((pf) => (
          <PfCard key={pf.id} pf={pf} />
        ))}
      </section>

      <VmTable vms={host.virtualMachines} />
    </div>
  );
}
