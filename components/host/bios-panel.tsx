import type { ReactNode } from 'react';
import type { HostView } from '@/lib/inventory/host-view';
import { BIOS_ATTRIBUTES } from '@/lib/inventory/vocabulary';
import { iloMessageLine } from '@/lib/ilo/messages';
import { Badge, utcTime } from '@/components/ui/status';
import { Card, Facts } from '@/components/ui/card';
import { TableHead } from '@/components/ui/table';

/** Current, pending (applied at the next reset) and desired (what this dashboard asked) per attribute. */
export function BiosPanel({ host, rebootControl }: { host: HostView; rebootControl?: ReactNode }) {
  const read = host.biosRead;
  const byName = new Map(host.bios.map((s) => [s.name, s]));
  const rows = BIOS_ATTRIBUTES.flatMap((name) => byName.get(name) ?? []);
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
          ['Power', host.powerState],
          ['BIOS read', read ? utcTime(read.readAt) : 'never'],
        ]}
      />
      {rows.length > 0 && (
        <table className="w-full border-t border-slate-200 text-sm">
          <caption className="sr-only">BIOS attributes SR-IOV depends on</caption>
          <TableHead columns={['Attribute', 'Current', 'Pending', 'Desired']} />
          <tbody>
            {rows.map((s) => {
              const pending = s.pending !== null && s.pending !== s.current;
              const desired = s.desired === null ? null : s.desired === s.current ? 'holds' : s.desired === s.pending ? 'staged' : 'missing';
              return (
                <tr key={s.name} className="border-t border-slate-100">
                  <th scope="row" className="px-4 py-1.5 text-left font-mono text-xs font-normal">
                    {s.name}
                  </th>
                  <td className={`px-4 py-1.5 ${s.current === 'Disabled' ? 'font-medium text-rose-700' : ''}`}>{s.current ?? '—'}</td>
                  <td className="px-4 py-1.5">{pending ? <span className="font-medium text-amber-800">→ {s.pending} (at next reset)</span> : <span className="text-slate-400">same</span>}</td>
                  <td className="px-4 py-1.5">
                    {desired === null ? (
                      <span className="text-slate-400">not set</span>
                    ) : (
                      <span className={desired === 'missing' ? 'font-medium text-amber-800' : ''}>
                        {s.desired}
                        {desired === 'staged' && <span className="text-slate-500"> (staged)</span>}
                        {desired === 'missing' && ' (not staged)'}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {read?.resetRequired && rebootControl && (
        <div className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 px-4 py-3 text-sm text-slate-700">
          <span>Pending values apply when the server is reset.</span>
          {rebootControl}
        </div>
      )}
      {read && read.lastApplyMessages.length > 0 && (
        <div className="border-t border-slate-200 px-4 py-3 text-sm">
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
            Last apply results{read.lastApplyAt && <span className="font-normal normal-case tracking-normal"> · {utcTime(read.lastApplyAt)}</span>}
          </h3>
          <ul className="space-y-1">
            {read.lastApplyMessages.map((m, i) => (
              <li key={i} title={m.messageId} className={m.severity === 'OK' ? 'text-slate-700' : 'font-medium text-amber-900'}>
                <span aria-hidden>{m.severity === 'OK' ? '✓ ' : '⚠ '}</span>
                {iloMessageLine(m)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}
