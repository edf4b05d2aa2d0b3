import type { HostDetail } from '@/lib/inventory/service';
import { Badge } from '@/components/ui/status';
import { Card } from '@/components/ui/card';
import { TableHead } from '@/components/ui/table';

type Pf = HostDetail['physicalFunctions'][number];
type Vf = Pf['virtualFunctions'][number];

function vfState(vf: Vf): { word: string; tone: string } {
  if (vf.assignment) return { word: vf.assignment.vm.name, tone: 'border-sky-300 bg-sky-50 text-sky-900' };
  if (vf.driver === 'vfio-pci') return { word: 'free · vfio-pci', tone: 'border-emerald-300 bg-white text-emerald-900' };
  return { word: 'free', tone: 'border-emerald-300 bg-white text-emerald-900' };
}

function VfTile({ vf }: { vf: Vf }) {
  const state = vfState(vf);
  return (
    <li
      title={`VF ${vf.index} · ${vf.pciAddress} · ${vf.driver ?? 'no driver'}${vf.mac ? ` · ${vf.mac}` : ''}${vf.vlan ? ` · VLAN ${vf.vlan}` : ''}`}
      className={`flex items-center gap-1.5 rounded border px-2 py-1 text-xs ${state.tone}`}
    >
      <span className="font-mono font-semibold tabular-nums">{vf.index}</span>
      <span aria-hidden>{vf.assignment ? '▣' : '◇'}</span>
      <span className="truncate">{state.word}</span>
      {vf.assignment && <span className="sr-only">(assigned)</span>}
    </li>
  );
}

function VfTable({ pf }: { pf: Pf }) {
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
              <td className="px-3 py-1.5 font-mono text-xs">{vf.mac ?? '—'}</td>
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

export function PfCard({ pf }: { pf: Pf }) {
  const sriov = pf.totalVfs > 0;
  const vfCount = pf.desiredVfs !== null && pf.desiredVfs !== pf.currentVfs ? `${pf.currentVfs} (wanted ${pf.desiredVfs})` : `${pf.currentVfs}`;
  return (
    <Card
      title={
        <span className="flex flex-wrap items-baseline gap-x-3">
          <span className="font-mono">{pf.pciAddress}</span>
          <span className="font-normal text-slate-600">{pf.modelName}</span>
        </span>
      }
      actions={sriov ? <Badge tone="neutral">{vfCount} of {pf.totalVfs} VFs</Badge> : <Badge tone="warn" icon="✕">No SR-IOV</Badge>}
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
      {pf.virtualFunctions.length > 0 ? (
        <div className="border-t border-slate-200 px-4 py-3">
          <ul aria-label={`VFs of ${pf.pciAddress}`} className="grid grid-cols-[repeat(auto-fill,minmax(9rem,1fr))] gap-1.5">
            {pf.virtualFunctions.map((vf) => (
              <VfTile key={vf.id} vf={vf} />
            ))}
          </ul>
          <p className="mt-2 text-xs text-slate-500">▣ assigned to the VM named · ◇ free (with its driver when bound to vfio-pci)</p>
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
