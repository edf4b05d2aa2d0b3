import { Card } from '@/components/ui/card';
import { Badge } from '@/components/ui/status';
import { TableHead } from '@/components/ui/table';
import type { DriftItem } from '@/lib/inventory/drift';
import { driftValueText } from '@/lib/inventory/host-view';

const KIND = { pf: 'PF', vf: 'VF', bios: 'BIOS' } as const;

/** What was asked of the host and is not what its agent or iLO now reports. */
export function DriftPanel({ drift }: { drift: readonly DriftItem[] }) {
  return (
    <Card
      title="Drift"
      actions={
        drift.length > 0 ? (
          <Badge tone="warn" icon="⚠">
            {drift.length} difference{drift.length === 1 ? '' : 's'}
          </Badge>
        ) : (
          <Badge tone="good" icon="✓">
            None
          </Badge>
        )
      }
    >
      {drift.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-500">The host matches every change asked of it.</p>
      ) : (
        <table className="w-full text-sm">
          <caption className="sr-only">Settings that differ from what was asked</caption>
          <TableHead columns={['Target', 'Setting', 'Wanted', 'Reported']} />
          <tbody>
            {drift.map((d) => (
              <tr key={`${d.targetType}/${d.targetId}/${d.field}`} className="border-t border-slate-100">
                <th scope="row" className="px-4 py-1.5 text-left font-normal">
                  <span className="mr-1.5 rounded bg-slate-100 px-1 text-xs font-semibold text-slate-600">{KIND[d.targetType]}</span>
                  {d.label}
                </th>
                <td className="px-4 py-1.5 font-mono text-xs">{d.field}</td>
                <td className="px-4 py-1.5">{driftValueText(d.desired)}</td>
                <td className="px-4 py-1.5 font-medium text-amber-800">
                  {driftValueText(d.actual)}
                  {d.cause && <span className="block text-xs font-normal text-slate-600">Likely cause: {d.cause}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
