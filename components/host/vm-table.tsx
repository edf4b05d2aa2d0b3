import type { HostView } from '@/lib/inventory/host-view';
import { Card } from '@/components/ui/card';
import { Badge, utcTime } from '@/components/ui/status';
import { TableHead } from '@/components/ui/table';

/** The host's VMs as its agent last reported them; `lastKnown` when that report may no longer hold (a restart, an agent away). */
export function VmTable({ vms, lastKnown }: { vms: HostView['virtualMachines']; lastKnown: string | null }) {
  return (
    <Card
      title={`Virtual machines (${vms.length})`}
      actions={
        lastKnown && (
          <Badge tone="warn" icon="◷">
            last known · read {utcTime(lastKnown)}
          </Badge>
        )
      }
    >
      {vms.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-500">No VMs reported on this host.</p>
      ) : (
        <table className={`w-full text-sm ${lastKnown ? 'text-slate-500' : ''}`}>
          {lastKnown && <caption className="px-4 pt-2 text-left text-xs text-amber-900">States as the agent read them {utcTime(lastKnown, { seconds: true })}: they may have changed since.</caption>}
          <TableHead columns={['Name', 'State', 'NUMA node', 'vCPUs', 'Memory', 'VFs']} />
          <tbody>
            {vms.map((vm) => (
              <tr key={vm.id} className="border-t border-slate-100">
                <td className="px-4 py-1.5 font-medium">{vm.name}</td>
                <td className="px-4 py-1.5">{lastKnown ? `was ${vm.state}` : vm.state}</td>
                <td className="px-4 py-1.5 tabular-nums">{vm.numaNode ?? '—'}</td>
                <td className="px-4 py-1.5 tabular-nums">{vm.vcpus ?? '—'}</td>
                <td className="px-4 py-1.5 tabular-nums">{vm.memoryMiB === null ? '—' : `${(vm.memoryMiB / 1024).toFixed(0)} GiB`}</td>
                <td className="px-4 py-1.5 tabular-nums">{vm._count.assignments}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
