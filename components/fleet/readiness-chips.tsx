import type { ReadinessLink } from '@/lib/inventory/readiness';
import { LINK_STATUS_TEXT } from '@/components/ui/status';

const SHORT: Record<ReadinessLink['id'], string> = {
  hardware: 'NIC',
  bios: 'BIOS',
  firmware: 'FW',
  iommu: 'IOMMU',
  modules: 'VFIO',
  drivers: 'DRV',
};

const CHIP_TONE = {
  ok: 'border-emerald-200 bg-emerald-50 text-emerald-800',
  failing: 'border-rose-300 bg-rose-50 text-rose-800',
  unknown: 'border-slate-200 bg-white text-slate-500',
} as const;

/** The six links in one compact line; each chip names its link and its state. */
export function ReadinessChips({ links }: { links: ReadinessLink[] }) {
  return (
    <ul className="flex gap-1" aria-label="Readiness chain">
      {links.map((link) => {
        const s = LINK_STATUS_TEXT[link.status];
        return (
          <li
            key={link.id}
            title={`${link.label}: ${s.word}. ${link.detail}${link.fix ? ` Fix: ${link.fix}` : ''}`}
            className={`inline-flex items-center gap-0.5 rounded border px-1 py-px font-mono text-[11px] leading-4 ${CHIP_TONE[link.status]}`}
          >
            <span aria-hidden>{s.icon}</span>
            <span>{SHORT[link.id]}</span>
            <span className="sr-only">
              {link.label} {s.word}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
