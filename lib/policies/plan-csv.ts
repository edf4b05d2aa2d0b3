// A plan as CSV: one line per change (a host with nothing to change gets one line too), cells a
// spreadsheet would run as formulas defused (lib/reports/csv.ts).

import 'server-only';
import { csvLine } from '@/lib/reports/csv';
import type { PlanDocument } from './service';

export const PLAN_CSV_COLUMNS = ['host', 'hostStatus', 'policies', 'reboot', 'vmsGoingDown', 'kind', 'target', 'from', 'to', 'needsReboot', 'status', 'reason', 'policy', 'overridden', 'estimatedSeconds'] as const;

const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function planCsv(plan: PlanDocument): string {
  const lines = [csvLine([...PLAN_CSV_COLUMNS])];
  for (const h of plan.hosts) {
    const hostCells = [h.hostName, h.status, h.policies.map((p) => `${p.name} v${p.version}`).join('; '), h.reboot.needed ? 'yes' : 'no', h.reboot.vmsGoingDown.join('; ')];
    if (h.changes.length === 0) lines.push(csvLine([...hostCells, '', '', '', '', '', '', h.unknownReason ?? '', '', '', text(h.estimatedSeconds)]));
    for (const c of h.changes) {
      lines.push(csvLine([...hostCells, c.kind, c.target, text(c.from), text(c.to), c.needsReboot ? 'yes' : 'no', c.status, c.reason ?? '', c.policy, text(c.overridden), text(h.estimatedSeconds)]));
    }
  }
  return `${lines.join('\n')}\n`;
}
