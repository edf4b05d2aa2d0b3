'use client';

import { activeOperationOnPf, type HostView, type PfView } from '@/lib/inventory/host-view';
import { shownMac } from '@/lib/inventory/mac';
import type { OperationView } from '@/lib/operations/kinds';
import { Badge } from '@/components/ui/status';
import { Card } from '@/components/ui/card';
import { TableHead } from '@/components/ui/table';
import { VfCountControl } from './vf-count-control';
import { VfGrid } from './vf-grid';

function VfTable({ pf }: { pf: PfView }) {
  return (
    <div className="mt-2 overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Virtual functions of {pf.pciAddress}</caption>
        <TableHead columns={['VF', 'PCI address', 'Assigned to', 'Driver', 'Netdev', 'MAC', 'VLAN', 'Trust', 'Spoof check', 'IOMMU group']} cellClassName="px-3 py-1.5" />
        <tbody>
          {pf.virtualFunctions.map((vf) => (
            <tr key={vf.id} className="border-t border-slate-100">
              <td className="px-3 py-1.5 tabular-nums">{vf.index}</td>
              <td className="px-3 py-1.5 font-mono text-xs">{vf.pciAddress}</td>
              <td className="px-3 py-1.5">{vf.assignment?.vm.name ?? <span className="text-slate-400">free</span>}</td>
              <td className="px-3 py-1.5">{vf.driver ?? '—'}</td>
              <td className="px-3 py-1.5 font-mono text-xs">{vf.netdev ?? '—'}</td>
              <td className="px-3 py-1.5 font-mono text-xs">{shownMac(vf.mac) ?? <span className="font-sans text-slate-500">none set</span>}</td>
              <td className="px-3 py-1.5 tabular-nums">{vf.vlan ? `${vf.vlan}${vf.qos ? ` qos ${vf.qos}` : ''}` : '—'}</td>
              <td className="px-3 py-1.5">{onOff(vf.trust)}</td>
              <td className="px-3 py-1.5">{onOff(vf.spoofchk)}</td>
              <td className="px-3 py-1.5 tabular-nums">{vf.iommuGroup ?? <span className="text-rose-700">none</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function onOff(value: boolean | null) {
  return value === null ? '—' : value ? 'on' : 'off';
}

export function PfCard({
  host,
  pf,
  operations,
  activeByVf,
  canConfigure,
  canAssign,
}: {
  host: HostView;
  pf: PfView;
  operations: readonly OperationView[];
  activeByVf: Map<string, OperationView>;
  canConfigure: boolean;
  canAssign: boolean;
}) {
  const sriov = pf.totalVfs > 0;
  const assigned = pf.virtualFunctions.filter((vf) => vf.assignment).length;
  return (
    <Card
      title={
        <span className="flex flex-wrap items-baseline gap-x-3">
          <span className="font-mono">{pf.pciAddress}</span>
          <span className="font-normal text-slate-600">{pf.modelName}</span>
        </span>
      }
      actions={
        sriov ? (
          <Badge tone="neutral">
            {assigned} assigned · {pf.currentVfs} of {pf.totalVfs} VFs
          </Badge>
        ) : (
          <Badge tone="warn" icon="✕">
            No SR-IOV
          </Badge>
        )
      }
    >
      <dl className="flex flex-wrap gap-x-6 gap-y-1 px-4 py-2.5 text-sm">
        {(
          [
            ['Netdev', pf.netdev],
            ['Driver', pf.driver ?? 'none bound'],
            ['VF driver', pf.vfDriver ? `${pf.vfDriver}${pf.vfDriverAvailable === false ? ' (missing)' : ''}` : null],
            ['NUMA node', pf.numaNode === null || pf.numaNode < 0 ? null : String(pf.numaNode)],
            ['Slot', pf.slot],
            ['Link', pf.linkState ? `${pf.linkState}${pf.linkSpeedMbps ? ` · ${pf.linkSpeedMbps / 1000} Gb/s` : ''}` : null],
            ['IDs', `${pf.vendorId}:${pf.deviceId}${pf.subsystemVendorId ? ` (${pf.subsystemVendorId}:${pf.subsystemDeviceId})` : ''}`],
            ['Firmware VF limit', pf.firmwareMaxVfs === null ? 'not reported' : String(pf.firmwareMaxVfs)],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="flex gap-1.5">
            <dt className="text-slate-500">{label}</dt>
            <dd className={`font-medium ${label === 'Driver' && !pf.driver ? 'text-rose-700' : ''}`}>{value ?? '—'}</dd>
          </div>
        ))}
      </dl>
      {sriov && <VfCountControl hostId={host.id} pf={pf} operation={activeOperationOnPf(pf.id, operations)} canConfigure={canConfigure} />}
      {pf.virtualFunctions.length > 0 ? (
        <div className="border-t border-slate-200 px-4 py-3">
          <VfGrid host={host} pf={pf} activeByVf={activeByVf} canAssign={canAssign} />
          <details className="mt-2 text-sm">
            <summary className="cursor-pointer text-sky-800 hover:underline">VF details ({pf.virtualFunctions.length})</summary>
            <VfTable pf={pf} />
          </details>
        </div>
      ) : (
        sriov && <p className="border-t border-slate-200 px-4 py-3 text-sm text-slate-500">No VFs enabled on this PF.</p>
      )}
    </Card>
  );
}
