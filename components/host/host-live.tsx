'use client';

import { useState } from 'react';
import { LabelDialog } from '@/components/fleet/label-dialog';
import { useSession } from '@/hooks/use-session';
import { Button } from '@/components/ui/button';
import { Card, Facts, YesNo } from '@/components/ui/card';
import { AgentBadge, Badge, Spinner, utcTime } from '@/components/ui/status';
import { useHost, useHostOperations, useSyncHost } from '@/hooks/use-host';
import { can } from '@/lib/auth/permissions';
import { fixStepFor } from '@/lib/inventory/change-set';
import { activeOperationByVf, FAST_POLL_MS, hostPollInterval, resetInProgress, type HostView } from '@/lib/inventory/host-view';
import type { AgentStatus } from '@/lib/inventory/vocabulary';
import { AgentBanner } from './agent-banner';
import { BiosPanel } from './bios-panel';
import { DriftPanel } from './drift-panel';
import { MacDuplicatesPanel } from './mac-duplicates-panel';
import { HostFix } from './host-fix';
import { OperationTimeline } from './operation-timeline';
import { PfCard } from './pf-card';
import { ReadinessChain } from './readiness-chain';
import { RebootDialog } from './reboot-dialog';
import { VmTable } from './vm-table';

function RefreshButton({ hostId }: { hostId: string }) {
  const sync = useSyncHost(hostId);
  const failure = sync.error?.message ?? (sync.data && !sync.data.ok ? (sync.data.error ?? 'The agent did not answer.') : null);
  return (
    <div className="flex items-center gap-2">
      {failure && (
        <span role="alert" className="max-w-sm truncate text-rose-700" title={failure}>
          Refresh failed: {failure}
        </span>
      )}
      <Button size="sm" onClick={() => sync.mutate()} disabled={sync.isPending}>
        {sync.isPending ? <Spinner /> : <span aria-hidden>↻</span>}
        {sync.isPending ? 'Reading…' : 'Refresh now'}
      </Button>
    </div>
  );
}

/** The host page once loaded: everything below the breadcrumb, kept current by polling. */
export function HostLive({ id }: { id: string }) {
  const session = useSession();
  const role = session?.role ?? 'viewer';
  const hostQuery = useHost(id);
  const opsQuery = useHostOperations(id);
  const [rebootOpen, setRebootOpen] = useState(false);
  const [labelling, setLabelling] = useState(false);
  const host: HostView | undefined = hostQuery.data;
  if (!host) {
    return hostQuery.error ? (
      <p role="alert" className="rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">
        Could not load the host: {hostQuery.error.message}
      </p>
    ) : (
      <p className="text-sm text-slate-500">Loading…</p>
    );
  }

  const operations = opsQuery.data?.operations ?? [];
  const rebooting = resetInProgress(host, operations);
  const activeByVf = activeOperationByVf(host.physicalFunctions, operations);
  const sriovPfs = host.physicalFunctions.filter((pf) => pf.totalVfs > 0);
  const otherPfs = host.physicalFunctions.filter((pf) => pf.totalVfs === 0);
  const canPower = can(role, 'host:power');
  // The fix's own reboot is offered with the fix; a reboot for other reasons from the header.
  // Not for a host whose agent never reported: nothing could tell that the reboot worked.
  const offerReboot = canPower && host.fix.reboots === 0 && host.powerState !== 'Off' && host.agentStatus !== 'never-seen' && !rebooting;
  const stagedElsewhere = Boolean(host.biosRead?.resetRequired);
  const fast = hostPollInterval(host, operations) === FAST_POLL_MS;
  // What the agent reported may no longer hold while the host restarts or its agent is away: say when it was read.
  const lastKnown = (rebooting || host.agentStatus !== 'online') && host.observedAt ? host.observedAt : null;
  const lastKnownBadge = lastKnown && (
    <Badge tone="warn" icon="◷">
      last known · read {utcTime(lastKnown)}
    </Badge>
  );

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{host.name}</h1>
          <p className="text-sm text-slate-600">
            {host.model} · {host.generation} · {host.cpuVendor} · serial {host.serialNumber}
          </p>
          <div aria-label="Labels" className="mt-1 flex flex-wrap items-center gap-1 text-xs">
            {host.labels.map((l) => (
              <span key={l.key} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700">
                {l.key}={l.value}
              </span>
            ))}
            {host.labels.length === 0 && <span className="text-slate-500">No labels</span>}
            {can(role, 'host:label') && (
              <button type="button" onClick={() => setLabelling(true)} className="ml-1 text-sky-700 hover:underline">
                Edit labels
              </button>
            )}
          </div>
          <LabelDialog hosts={[{ id: host.id, name: host.name }]} open={labelling} onClose={() => setLabelling(false)} onDone={() => void hostQuery.refetch()} />
        </div>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2 text-sm">
          <span className="flex items-center gap-2">
            <span className="text-slate-500">Agent</span>
            <AgentBadge status={host.agentStatus as AgentStatus} lastSeenAt={host.lastSeenAt} />
          </span>
          {host.powerState && <span className="text-slate-500">Power {host.powerState}</span>}
          <span className="text-xs text-slate-500" title="This page reads the host again by itself.">
            {rebooting ? 'Watching the host come back · every 2 s' : fast ? 'Live · every 2 s' : 'Live · every 10 s'}
          </span>
          {offerReboot && !stagedElsewhere && (
            <Button size="sm" onClick={() => setRebootOpen(true)}>
              Reboot through iLO…
            </Button>
          )}
          <RefreshButton hostId={host.id} />
        </div>
      </div>
      {hostQuery.error && (
        <p role="alert" className="rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">
          Could not refresh the host ({hostQuery.error.message}); showing what was read last.
        </p>
      )}

      <AgentBanner host={host} operations={operations} canPower={canPower} />

      <ReadinessChain
        readiness={host.readiness}
        lastKnown={lastKnownBadge}
        fixStep={(link) => {
          const step = fixStepFor(host.fix, link.id);
          if (!step) return null;
          return <p className="text-xs font-medium text-slate-700">{step.step === 'reboot' ? '→ Applied by the reboot in the fix below' : `→ Step ${step.step} of the fix below: ${step.label}`}</p>;
        }}
      />
      <HostFix host={host} operations={operations} />

      <div className="grid gap-5 lg:grid-cols-2">
        <Card title="Operating system" actions={lastKnownBadge}>
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
        <BiosPanel
          host={host}
          rebootControl={
            offerReboot && (
              <Button size="sm" variant="danger" onClick={() => setRebootOpen(true)}>
                Reboot through iLO…
              </Button>
            )
          }
        />
      </div>

      <section aria-labelledby="pfs-heading" className="space-y-3">
        <h2 id="pfs-heading" className="text-lg font-semibold">
          Physical functions
          <span className="ml-2 text-sm font-normal text-slate-500">
            {sriovPfs.length} SR-IOV capable of {host.physicalFunctions.length}
          </span>
          {lastKnown && <span className="ml-3 align-middle text-sm font-normal">{lastKnownBadge}</span>}
        </h2>
        {host.physicalFunctions.length === 0 && <p className="text-sm text-slate-500">The agent has not reported this host’s PCI functions yet.</p>}
        {[...sriovPfs, ...otherPfs].map((pf) => (
          <PfCard key={pf.id} host={host} pf={pf} operations={operations} activeByVf={activeByVf} canConfigure={can(role, 'vf:configure')} canAssign={can(role, 'vf:assign')} />
        ))}
      </section>

      <div className="grid items-start gap-5 lg:grid-cols-2">
        <OperationTimeline operations={operations} error={opsQuery.error} loading={opsQuery.isPending} />
        <div className="space-y-5">
          <MacDuplicatesPanel duplicates={host.duplicateMacs} />
          <DriftPanel drift={host.drift} />
          <VmTable vms={host.virtualMachines} lastKnown={lastKnown} />
        </div>
      </div>

      <RebootDialog host={host} open={rebootOpen} onClose={() => setRebootOpen(false)} />
    </div>
  );
}
