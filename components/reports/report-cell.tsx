// A report cell as a person reads it: states as words with an icon, times in UTC, nothing blank.

import { Badge, VerdictBadge } from '@/components/ui/status';
import { Words } from '@/components/ui/words';
import type { CellKind, CellValue } from '@/lib/reports/columns';
import type { ReadinessVerdict } from '@/lib/inventory/readiness';
import { operationKindWords } from '@/lib/reports/history';
import { COMPLIANCE_TEXT } from '@/lib/policies/words';

type Tone = 'good' | 'bad' | 'warn' | 'neutral' | 'info';
const WORDS: Partial<Record<CellKind, Record<string, [icon: string, word: string, tone: Tone]>>> = {
  check: { pass: ['✓', 'pass', 'good'], fail: ['✕', 'fail', 'bad'], pending: ['↻', 'pending', 'info'], unknown: ['?', 'unknown', 'neutral'] },
  placement: { 'cross-numa': ['⚠', 'cross-NUMA', 'warn'], 'same-numa': ['✓', 'same node', 'good'], unknown: ['?', 'unknown', 'neutral'] },
  capacity: {
    'near-limit': ['▲', 'near limit', 'bad'],
    'few-free': ['◐', 'few free', 'warn'],
    ok: ['✓', 'ok', 'good'],
    'no-sriov': ['–', 'no SR-IOV', 'neutral'],
    'not-reported': ['?', 'not reported', 'neutral'],
  },
  status: { succeeded: ['✓', 'succeeded', 'good'], failed: ['✕', 'failed', 'bad'], running: ['↻', 'running', 'neutral'], queued: ['…', 'queued', 'neutral'] },
  // A host against a policy, in the words of the policy pages.
  compliance: {
    compliant: ['✓', COMPLIANCE_TEXT.compliant.word, 'good'],
    drifted: ['≠', COMPLIANCE_TEXT.drifted.word, 'warn'],
    'pending-reboot': ['↻', COMPLIANCE_TEXT['pending-reboot'].word, 'info'],
    refused: ['✕', COMPLIANCE_TEXT.refused.word, 'bad'],
    unknown: ['?', COMPLIANCE_TEXT.unknown.word, 'neutral'],
  },
};

/** Minutes are enough for a report; every time is UTC, which the page header says once. */
export function formatTime(value: string): string {
  return `${value.slice(0, 10)} ${value.slice(11, 16)}`;
}

export function ReportCell({ kind = 'text', value }: { kind?: CellKind; value: CellValue }) {
  if (value === null) return <span className="text-slate-400">—</span>;
  if (kind === 'time' && typeof value === 'string') return <span className="whitespace-nowrap">{formatTime(value)}</span>;
  if (kind === 'yes-no' && typeof value === 'boolean') return <span>{value ? 'on' : 'off'}</span>;
  if (kind === 'operation-kind') return <>{operationKindWords(String(value))}</>;
  const word = WORDS[kind]?.[String(value)];
  if (word) {
    return (
      <Badge tone={word[2]} icon={word[0]}>
        {word[1]}
      </Badge>
    );
  }
  // Readiness verdicts read as on the fleet view.
  if (kind === 'verdict' && (value === 'ready' || value === 'not-ready' || value === 'unknown')) return <VerdictBadge verdict={value satisfies ReadinessVerdict} />;
  return <Words text={String(value)} />;
}
