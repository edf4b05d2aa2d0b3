import type { HostView } from '@/lib/inventory/host-view';
import { Card } from '@/components/ui/card';
import { TableHead } from '@/components/ui/table';

export function VmTable({ vms }: { vms: HostView['virtualMachines'] }) {
  return (
    <Card title={`Virtual machines (${vms.length})`}>
      {vms.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-500">No VMs reported on this host.</p>
      ) : (
        <table className="w-full text-sm">
          <TableHead columns={['Name', 'State', 'NUMA node', 'vCPUs', 'Memory', 'VFs']} />
          <tbody>
            {vms.map((vm) => (
              <tr key={vm.id} className="border-t border-slate-100">
                <td className="px-4 py-1.5 font-medium">{vm.name}</td>
                <td className="px-4 py-1.5">{vm.state}</td>
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
