import type { HostDetail } from '@/lib/inventory/service';
import { BIOS_ATTRIBUTES } from '@/lib/inventory/vocabulary';
import { Badge } from '@/components/ui/status';
import { Card, Facts } from '@/components/ui/card';
import { TableHead } from '@/components/ui/table';

export function BiosPanel({ host }: { host: HostDetail }) {
  const read = host.biosRead;
  const byName = new Map(host.bios.map((s) => [s.name, s]));
  const rows = BIOS_ATTRIBUTES.filter((name) => byName.has(name)).map((name) => byName.get(name)!);
  return (
    <Card
      title="iLO and BIOS"
      actions={read?.resetRequired ? <Badge tone="warn" icon="⟳">Reset required</Badge> : read ? <Badge tone="good" icon="✓">No pending changes</Badge> : null}
    >
      <Facts
        items={[
          ['iLO', host.bmc ? `${host.bmc.generation} · firmware ${host.bmc.firmwareVersion ?? 'unknown'}` : 'No iLO registered'],
          ['Address', host.bmc?.address ?? null],
          ['User', host.bmc?.userName ?? null],
          ['BIOS read', read ? new Date(read.readAt).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never'],
        ]}
      />
      {rows.length > 0 && (
        <table className="w-full border-t border-slate-200 text-sm">
          <TableHead columns={['Attribute', 'Current', 'Pending']} />
          <tbody>
            {rows.map((s) => (
              <tr key={s.name} className="border-t border-slate-100">
                <td className="px-4 py-1.5 font-mono text-xs">{s.name}</td>
                <td className={`px-4 py-1.5 ${s.current === 'Disabled' ? 'font-medium text-rose-700' : ''}`}>{s.current ?? '—'}</td>
                <td className="px-4 py-1.5">{s.pending !== s.current ? <span className="font-medium text-amber-800">→ {s.pending} (at next reset)</span> : <span className="text-slate-400">same</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {read && read.lastApplyMessages.length > 0 && (
        <div className="border-t border-slate-200 px-4 py-3 text-sm">
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Last apply results</h3>
          <ul className="space-y-1">
            {read.lastApplyMessages.map((m, i) => (
              <li key={i} className={m.severity === 'OK' ? 'text-slate-700' : 'text-amber-900'}>
                <span className="font-mono text-xs">{m.messageId}</span> — {m.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}
