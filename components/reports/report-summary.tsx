// The report's headline figures, for all matching rows (the table may show only the first).

import type { AllocationSummary } from '@/lib/reports/allocation';
import type { CapacitySummary } from '@/lib/reports/capacity';
import type { ReportName } from '@/lib/reports/catalog';
import type { ComplianceSummary } from '@/lib/reports/compliance';
import type { HistorySummary } from '@/lib/reports/history';
import type { InventorySummary } from '@/lib/reports/inventory';
import type { MacDuplicatesSummary } from '@/lib/reports/mac-duplicates';

type Figure = [label: string, value: number | string, sub?: string];

function figures(name: ReportName, summary: unknown): Figure[] {
  switch (name) {
    case 'inventory': {
      const s = summary as InventorySummary;
      return [
        ['Hosts', s.hosts, s.observed.neverReported ? `${s.observed.neverReported} never reported` : undefined],
        ['PFs', s.pfs, `${s.sriovPfs} SR-IOV capable`],
        ['VFs enabled', s.vfs],
        ['VFs assigned', s.assigned, `${s.vfs - s.assigned} free`],
        ['Bound to vfio-pci', s.vfioBound],
      ];
    }
    case 'allocation': {
      const s = summary as AllocationSummary;
      return [
        ['VMs holding VFs', s.vms, `on ${s.hosts} host${s.hosts === 1 ? '' : 's'}`],
        ['VFs assigned', s.vfs],
        ['Cross-NUMA VFs', s.crossNumaVfs, `${s.crossNumaVms} VM${s.crossNumaVms === 1 ? '' : 's'} affected`],
        ['Placement unknown', s.unknownPlacementVfs, 'NUMA node not reported'],
      ];
    }
    case 'capacity': {
      const s = summary as CapacitySummary;
      return [
        ['VFs possible', s.possible],
        ['VFs enabled', s.enabled],
        ['VFs assigned', s.assigned],
        ['VFs free', s.free, 'enabled, not assigned'],
        ['Near limit', s.byStatus['near-limit'], `${s.byStatus['few-free']} with few free`],
      ];
    }
    case 'compliance': {
      const s = summary as ComplianceSummary;
      return [
        ['Hosts', s.hosts],
        ['Compliant', s.byVerdict.compliant, `${s.byVerdict.unknown} not yet known`],
        ['Drifted', s.byVerdict.drifted, `a plan would change them; ${s.byVerdict.refused} more refused (no plan can)`],
        ['Pending reboot', s.byVerdict['pending-reboot'], 'the baseline’s values staged in the BIOS'],
        ['SR-IOV ready', s.ready, s.compliantNotReady > 0 ? `the whole chain; ${s.compliantNotReady} meet the baseline but are not` : 'the whole chain, as on the fleet view'],
      ];
    }
    case 'history': {
      const s = summary as HistorySummary;
      return [
        ['Operations', s.operations],
        ['Succeeded', s.byStatus.succeeded],
        ['Failed', s.byStatus.failed],
        ['Queued or running', s.byStatus.queued + s.byStatus.running],
        ['Users', s.users, `on ${s.hosts} host${s.hosts === 1 ? '' : 's'}`],
      ];
    }
    case 'mac-duplicates': {
      const s = summary as MacDuplicatesSummary;
      return [
        ['MACs on more than one VF', s.macs],
        ['VFs sharing one', s.vfs, `on ${s.hosts} host${s.hosts === 1 ? '' : 's'}`],
        ['Carrying another VF’s MAC', s.notTheirs, 'the dashboard gave it to a different VF'],
      ];
    }
  }
}

export function ReportSummary({ name, summary }: { name: ReportName; summary: unknown }) {
  return (
    <dl aria-label="Report figures" className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5 print:grid-cols-5 print:gap-2">
      {figures(name, summary).map(([label, value, sub]) => (
        <div key={label} className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-xs print:px-2 print:py-1 print:shadow-none">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900 print:text-lg">{value}</dd>
          {sub && <dd className="text-xs text-slate-500">{sub}</dd>}
        </div>
      ))}
    </dl>
  );
}
