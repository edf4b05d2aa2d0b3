// States are always a word or a labelled icon; colour only repeats what the text says.

import type { LinkStatus, ReadinessVerdict } from '@/lib/inventory/readiness';
import type { OperationStatus } from '@/lib/operations/kinds';
import type { AgentStatus } from '@/lib/inventory/vocabulary';

const TONE = {
  good: 'bg-emerald-50 text-emerald-800 ring-emerald-600/30',
  bad: 'bg-rose-50 text-rose-800 ring-rose-600/30',
  warn: 'bg-amber-50 text-amber-900 ring-amber-600/30',
  neutral: 'bg-slate-100 text-slate-700 ring-slate-500/30',
  info: 'bg-sky-50 text-sky-800 ring-sky-600/30',
} as const;
type Tone = keyof typeof TONE;

export function Badge({ tone, icon, children, title }: { tone: Tone; icon?: string; children: React.ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[tone]}`}>
      {icon && <span aria-hidden>{icon}</span>}
      {children}
    </span>
  );
}

export const LINK_STATUS_TEXT: Record<LinkStatus, { icon: string; word: string; tone: Tone }> = {
  ok: { icon: '✓', word: 'ok', tone: 'good' },
  failing: { icon: '✕', word: 'failing', tone: 'bad' },
  unknown: { icon: '?', word: 'unknown', tone: 'neutral' },
};

const VERDICT: Record<ReadinessVerdict, { icon: string; word: string; tone: Tone }> = {
  ready: { icon: '✓', word: 'Ready', tone: 'good' },
  'not-ready': { icon: '✕', word: 'Not ready', tone: 'bad' },
  unknown: { icon: '?', word: 'Unknown', tone: 'neutral' },
};

export function VerdictBadge({ verdict }: { verdict: ReadinessVerdict }) {
  const v = VERDICT[verdict];
  return (
    <Badge tone={v.tone} icon={v.icon}>
      {v.word}
    </Badge>
  );
}

const AGENT: Record<AgentStatus, { icon: string; word: string; tone: Tone }> = {
  online: { icon: '●', word: 'Online', tone: 'good' },
  offline: { icon: '○', word: 'Offline', tone: 'warn' },
  'never-seen': { icon: '–', word: 'Never seen', tone: 'neutral' },
};

export function AgentBadge({ status, lastSeenAt }: { status: AgentStatus; lastSeenAt: string | Date | null }) {
  const a = AGENT[status] ?? AGENT['never-seen'];
  const seen = lastSeenAt ? new Date(lastSeenAt) : null;
  return (
    <Badge tone={a.tone} icon={a.icon} title={seen ? `Last seen ${seen.toISOString().replace('T', ' ').slice(0, 19)} UTC` : 'The agent has never reported'}>
      {a.word}
      {status === 'offline' && seen && <span className="font-normal">· {timeAgo(seen)}</span>}
    </Badge>
  );
}

const OPERATION: Record<OperationStatus, { icon: string; word: string; tone: Tone }> = {
  queued: { icon: '◷', word: 'Queued', tone: 'neutral' },
  running: { icon: '↻', word: 'Running', tone: 'info' },
  succeeded: { icon: '✓', word: 'Succeeded', tone: 'good' },
  failed: { icon: '✕', word: 'Failed', tone: 'bad' },
};

export function OperationBadge({ status }: { status: OperationStatus }) {
  const o = OPERATION[status];
  return (
    <Badge tone={o.tone} icon={o.icon}>
      {o.word}
    </Badge>
  );
}

/** Something is being worked on; the words next to it say what. */
export function Spinner({ className = '' }: { className?: string }) {
  return <span aria-hidden className={`inline-block size-3 shrink-0 animate-spin rounded-full border-2 border-current border-r-transparent ${className}`} />;
}

/** "2026-11-25 14:03 UTC": the same on the server and in every browser. */
export function utcTime(date: string | Date, { seconds = false }: { seconds?: boolean } = {}): string {
  return `${new Date(date).toISOString().replace('T', ' ').slice(0, seconds ? 19 : 16)} UTC`;
}

export function timeAgo(date: Date, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}
