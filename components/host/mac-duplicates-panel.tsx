import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { Badge } from '@/components/ui/status';
import type { HostView } from '@/lib/inventory/host-view';

/** The host's VFs whose MAC another VF in the fleet also carries: shown only when there are some. */
export function MacDuplicatesPanel({ duplicates }: { duplicates: HostView['duplicateMacs'] }) {
  if (duplicates.length === 0) return null;
  return (
    <Card
      title="Duplicate MACs"
      actions={
        <Badge tone="bad" icon="⚠">
          {duplicates.length} VF{duplicates.length === 1 ? '' : 's'}
        </Badge>
      }
    >
      <p className="px-4 pt-3 text-sm text-slate-700">
        Two VFs with one MAC on a network confuse switches, DHCP and port security. Give one of them another MAC (a policy with stable MACs, or the VF’s settings).
      </p>
      <ul aria-label="VFs sharing a MAC" className="divide-y divide-slate-100 px-4 py-2 text-sm">
        {duplicates.map((d) => (
          <li key={`${d.mac}/${d.vf}`} className="py-1.5">
            <span className="font-mono text-rose-800">{d.mac}</span> on {d.vf}, also on {d.elsewhere.join(', ')}
          </li>
        ))}
      </ul>
      <p className="px-4 pb-3 text-xs">
        <Link href="/reports/mac-duplicates" className="text-sky-700 underline hover:text-sky-900">
          Every duplicate MAC in the fleet
        </Link>
      </p>
    </Card>
  );
}
