// The audit log in an operator's words: what an action was, what it was done to, and what it
// changed, as a short list of fields that differ (old → new) instead of two JSON documents. Pure,
// so the page, the tests and any later export read events the same way.

import { describeOperation, OPERATION_KIND_WORDS, OPERATION_KINDS, parseParams, type OperationKind } from '@/lib/operations/kinds';
import { ACTION_WORDS, isAction } from '@/lib/auth/permissions';

const SIGN_IN_ACTIONS = ['login', 'login-failed', 'login-locked', 'login-throttled', 'logout'] as const;
const ACCESS_ACTIONS = ['user-create', 'user-update', 'token-create', 'token-revoke'] as const;

const OTHER_ACTION_WORDS: Record<string, string> = {
  login: 'Signed in',
  'login-failed': 'Sign-in failed',
  'login-locked': 'Sign-in locked out',
  'login-throttled': 'Sign-in refused: locked out',
  logout: 'Signed out',
  denied: 'Refused',
  'user-create': 'User added',
  'user-update': 'User changed',
  'token-create': 'API token created',
  'token-revoke': 'API token revoked',
  'host-register': 'Host registered',
};

/** What the filter's Action menu offers: the things people look for, each matching every stage of it. */
export interface AuditActionGroup {
  value: string;
  label: string;
  /** Exact action names. */
  actions: readonly string[];
  /** Or every action starting with this ("assign-vf." for requested, succeeded and failed). */
  prefix?: string;
}

export const AUDIT_ACTION_GROUPS: readonly AuditActionGroup[] = [
  ...OPERATION_KINDS.map((kind) => ({ value: kind, label: OPERATION_KIND_WORDS[kind], actions: [], prefix: `${kind}.` })),
  { value: 'host-register', label: 'Host registered', actions: ['host-register'] },
  { value: 'sign-in', label: 'Sign-ins and sign-outs', actions: SIGN_IN_ACTIONS },
  { value: 'denied', label: 'Refusals (not allowed)', actions: ['denied'] },
  { value: 'access', label: 'Users and API tokens', actions: ACCESS_ACTIONS },
];

export function auditActionGroup(value: string): AuditActionGroup | undefined {
  return AUDIT_ACTION_GROUPS.find((g) => g.value === value);
}

export type AuditOutcome = 'requested' | 'succeeded' | 'failed' | 'refused' | null;

/** "assign-vf.succeeded" → { label: "Assign VF", outcome: "succeeded" }. */
export function auditActionWords(action: string): { label: string; outcome: AuditOutcome } {
  const [kind, stage] = action.split('.', 2) as [string, string | undefined];
  if (stage && (OPERATION_KINDS as readonly string[]).includes(kind)) {
    const outcome = stage === 'requested' || stage === 'succeeded' || stage === 'failed' ? stage : null;
    return { label: OPERATION_KIND_WORDS[kind as OperationKind], outcome };
  }
  if (action === 'denied') return { label: OTHER_ACTION_WORDS.denied!, outcome: 'refused' };
  const failed = action === 'login-failed' || action === 'login-locked' || action === 'login-throttled';
  return { label: OTHER_ACTION_WORDS[action] ?? action, outcome: failed ? 'failed' : null };
}

/** What the event names its target by, beyond the target itself. */
export interface TargetContext {
  targetType: string;
  targetId: string;
  hostName: string | null;
  /** The operation the event belongs to (its params name the VF or PF by address). */
  operation?: { kind: string; params: string } | null;
  /** The VF or PF row, when it still exists and no operation names it. */
  vf?: { index: number; pfAddress: string } | null;
  pf?: { pciAddress: string } | null;
  userName?: string | null;
  tokenName?: string | null;
}

/** "VF 3 of 0000:31:00.0 on kvm-a04", "BIOS of kvm-a04", "user alice", "API token “ci”". */
export function auditTargetWords(t: TargetContext): string {
  const on = t.hostName ? ` on ${t.hostName}` : '';
  const host = t.hostName ?? 'a host since removed';
  switch (t.targetType) {
    case 'vf': {
      const params = t.operation ? parseParams(t.operation.params) : null;
      if (params && typeof params.index === 'number' && typeof params.pfAddress === 'string') return `VF ${params.index} of ${params.pfAddress}${on}`;
      if (t.vf) return `VF ${t.vf.index} of ${t.vf.pfAddress}${on}`;
      return `a VF since removed${on}`;
    }
    case 'pf': {
      const params = t.operation ? parseParams(t.operation.params) : null;
      const address = typeof params?.pfAddress === 'string' ? params.pfAddress : t.pf?.pciAddress;
      return address ? `PF ${address}${on}` : `a PF since removed${on}`;
    }
    case 'host': {
      if (t.operation?.kind === 'set-bios') return `BIOS of ${host}`;
      if (t.operation?.kind === 'os-fix') return `operating system of ${host}`;
      return host;
    }
    case 'user':
      return `user ${t.userName ?? t.targetId}`;
    case 'api-token':
      return t.tokenName ? `API token “${t.tokenName}”` : 'an API token since removed';
    case 'route':
      return t.targetId;
    default:
      return `${t.targetType} ${t.targetId}`;
  }
}

/** One line of the diff: a field, what it was, what it became (null: not set / not there). */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

const FIELD_WORDS: Record<string, string> = {
  vm: 'VM',
  mac: 'MAC',
  vlan: 'VLAN',
  trust: 'trust',
  spoofchk: 'spoof check',
  driver: 'driver',
  currentVfs: 'VFs enabled',
  desiredVfs: 'VFs wanted',
  powerState: 'power',
  pending: 'pending BIOS values',
  bootId: 'boot id',
  kernelCmdline: 'kernel command line',
  vfioPciLoaded: 'vfio-pci loaded',
  rebootNeeded: 'reboot needed',
  role: 'role',
  disabled: 'disabled',
  displayName: 'display name',
  passwordChanged: 'password changed',
  failures: 'failed attempts',
  userName: 'user name',
  name: 'name',
  agentUrl: 'agent URL',
  iloAddress: 'iLO address',
  bios: 'BIOS',
  vfs: 'VFs',
};

/** Inside an attribute: a BIOS value's "current" is what it is now. */
const NESTED_WORDS: Record<string, string> = { current: 'now', pending: 'pending' };

function fieldWords(path: string[]): string {
  // "Sriov.pending" → "Sriov pending"; "bios.Sriov" → "BIOS Sriov".
  return path.map((p, i) => (i === 0 ? FIELD_WORDS[p] : NESTED_WORDS[p]) ?? p).join(' ');
}

/** A value as a cell shows it: short, never a raw JSON document. */
export function auditValueText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? null : value.map((v) => auditValueText(v) ?? '—').join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  const text = String(value);
  // Boot ids and other UUIDs: the first group tells two apart.
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) return `${text.slice(0, 8)}…`;
  return text;
}

function flatten(value: unknown, path: string[], out: Map<string, { path: string[]; value: unknown }>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, [...path, key], out);
    return;
  }
  out.set(path.join('.'), { path, value });
}

/** Space-separated settings (a kernel command line): the words added and removed, not both lines. */
function wordsDiff(before: string, after: string): { before: string | null; after: string | null } | null {
  if (!before.includes(' ') || !after.includes(' ')) return null;
  const a = before.split(/\s+/);
  const b = after.split(/\s+/);
  const removed = a.filter((w) => !b.includes(w));
  const added = b.filter((w) => !a.includes(w));
  return { before: removed.length > 0 ? `− ${removed.join(' ')}` : null, after: added.length > 0 ? `+ ${added.join(' ')}` : null };
}

const IGNORED = new Set(['summary', 'params', 'error']);

/** The fields that differ between before and after (nested objects by path), in the order they appear. */
export function auditDiff(beforeText: string | null, afterText: string | null): FieldChange[] {
  const before = new Map<string, { path: string[]; value: unknown }>();
  const after = new Map<string, { path: string[]; value: unknown }>();
  flatten(parseJson(beforeText), [], before);
  flatten(parseJson(afterText), [], after);
  const keys = [...new Set([...before.keys(), ...after.keys()])].filter((k) => k !== '' && !IGNORED.has(k.split('.')[0]!));
  const changes: FieldChange[] = [];
  for (const key of keys) {
    const path = (after.get(key) ?? before.get(key))!.path;
    const was = auditValueText(before.get(key)?.value);
    const now = auditValueText(after.get(key)?.value);
    if (was === now) continue;
    const words = was && now ? wordsDiff(was, now) : null;
    changes.push({ field: fieldWords(path), ...(words ?? { before: was, after: now }) });
  }
  return changes;
}

function parseJson(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The sentence an event carries besides its diff: what was asked, why it failed, why it was refused. */
export function auditNote(action: string, operation: { kind: string; params: string } | null | undefined, hostName: string | null, afterText: string | null): string | null {
  const after = parseJson(afterText) as Record<string, unknown> | null;
  if (action.endsWith('.requested') && operation) return describeOperation(operation.kind, parseParams(operation.params), hostName).summary;
  if (action.endsWith('.failed') && after && typeof after.error === 'string') return after.error;
  if (action === 'denied' && after && typeof after.permission === 'string') {
    const role = typeof after.role === 'string' ? after.role : 'this role';
    const what = isAction(after.permission) ? ACTION_WORDS[after.permission] : after.permission;
    return `A ${role} may not ${what}.`;
  }
  return null;
}
