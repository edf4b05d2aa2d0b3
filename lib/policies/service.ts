// Policies kept, versioned and checked; plans computed and kept; compliance evaluated. Route
// handlers call these; the rules live in document.ts, plan.ts and compliance.ts.

import 'server-only';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { recordAudit } from '@/lib/audit';
import type { ErrorIssue } from '@/lib/http';
import { checkAgainstRegistry, registryFromDigest, type RegistryDigest } from '@/agent/src/redfish';
import { complianceOf, recordCompliance, type ComplianceEntry } from './compliance';
import { diffDocuments, type DocumentChange } from './diff';
import { IOMMU_ATTRIBUTE, policyDocumentSchema, type PolicyDocument } from './document';
import { loadDurations, NO_HISTORY } from './estimates';
import { factChanges, fingerprint, hostFacts, planHosts } from './inventory';
import { planHost, planTally, type HostPlan, type PlanPolicy, type PlanResult, type PlanTotals } from './plan';
import { remediate } from './remediate';
import { matchesSelector, type Selector } from './selector';

export interface Who {
  name: string;
  sourceAddress: string | null;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: 'bad-request' | 'not-found' | 'conflict'; message: string; issues?: ErrorIssue[] };

export const policyNameSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" or "-", starting with a letter or digit (at most 63)');

export const createPolicySchema = z.strictObject({
  name: policyNameSchema,
  description: z.string().trim().max(500).optional(),
  document: z.unknown(),
  comment: z.string().trim().max(200).optional(),
});

export const updatePolicySchema = z.strictObject({
  description: z.string().trim().max(500).nullable().optional(),
  document: z.unknown(),
  comment: z.string().trim().max(200).optional(),
  /** The version the edit was made on: a policy changed meanwhile answers 409, not a silent overwrite. */
  baseVersion: z.number().int().min(1),
});

/** Parses a document, naming every field wrong with the path an operator sees ("document.nics.0.numVfs"). */
export function parseDocument(raw: unknown): Outcome<PolicyDocument> {
  const parsed = policyDocumentSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => ({ path: ['document', ...i.path].join('.'), message: i.message }));
  return { ok: false, code: 'bad-request', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues };
}

/**
 * BIOS values checked against the registries the fleet has: an attribute no registered server
 * knows, or a value every server that knows it refuses, is the policy's mistake (400). What one
 * server lacks is that host's problem, and its plan says so.
 */
async function checkBiosAgainstFleet(prisma: PrismaClient, document: PolicyDocument): Promise<ErrorIssue[]> {
  const rows = await prisma.biosRegistry.findMany({ distinct: ['registryId', 'biosVersion'], select: { registryId: true, biosVersion: true, attributes: true, dependencies: true } });
  if (rows.length === 0 || !document.bios) return [];
  const registries = rows.map((r) => registryFromDigest({ id: r.registryId, biosVersion: r.biosVersion, attributes: JSON.parse(r.attributes), dependencies: r.dependencies ? JSON.parse(r.dependencies) : null } satisfies RegistryDigest));
  const issues: ErrorIssue[] = [];
  for (const [name, value] of Object.entries(document.bios)) {
    const names = name === IOMMU_ATTRIBUTE ? ['IntelProcVtd', 'ProcAmdIoVt'] : [name];
    const knowing = registries.flatMap((r) => names.flatMap((n) => (r.attributes.has(n) ? [{ r, n }] : [])));
    if (knowing.length === 0) {
      issues.push({ path: `document.bios.${name}`, message: `no registered server's BIOS has an attribute ${name} (names are case-sensitive)` });
      continue;
    }
    const problems = knowing.map(({ r, n }) => checkAgainstRegistry(r, n, String(value)));
    if (problems.every((p) => p !== null)) {
      const definition = knowing[0]!.r.attributes.get(knowing[0]!.n)!;
      const allowed = definition.values ? `one of ${definition.values.join(', ')}` : definition.readOnly ? 'none: it is read-only' : problems[0]!;
      issues.push({ path: `document.bios.${name}`, message: `${JSON.stringify(value)} is not allowed: ${allowed}` });
    }
  }
  return issues;
}

async function validate(prisma: PrismaClient, raw: unknown): Promise<Outcome<PolicyDocument>> {
  const parsed = parseDocument(raw);
  if (!parsed.ok) return parsed;
  const issues = await checkBiosAgainstFleet(prisma, parsed.value);
  if (issues.length) return { ok: false, code: 'bad-request', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues };
  return parsed;
}

const summarySelect = {
  id: true,
  name: true,
  description: true,
  currentVersion: true,
  createdAt: true,
  updatedAt: true,
  archivedAt: true,
  evaluatedAt: true,
} satisfies Prisma.PolicySelect;

export async function activePolicies(prisma: PrismaClient): Promise<PlanPolicy[]> {
  const rows = await prisma.policy.findMany({ where: { archivedAt: null }, orderBy: { name: 'asc' }, select: { id: true, name: true, currentVersion: true, versions: { select: { version: true, document: true } } } });
  return rows.map((r) => {
    const current = r.versions.find((v) => v.version === r.currentVersion)!;
    return { id: r.id, name: r.name, version: r.currentVersion, document: policyDocumentSchema.parse(JSON.parse(current.document)) };
  });
}

export async function listPolicies(prisma: PrismaClient) {
  const policies = await prisma.policy.findMany({ where: { archivedAt: null }, orderBy: { name: 'asc' }, select: { ...summarySelect, versions: { select: { version: true, document: true } } } });
  const states = await prisma.policyCompliance.groupBy({ by: ['policyId', 'state'], _count: { _all: true } });
  return policies.map(({ versions, ...p }) => {
    const document = JSON.parse(versions.find((v) => v.version === p.currentVersion)!.document) as PolicyDocument;
    const compliance = Object.fromEntries(states.filter((s) => s.policyId === p.id).map((s) => [s.state, s._count._all]));
    return { ...p, document, compliance };
  });
}

export async function getPolicy(prisma: PrismaClient, id: string) {
  const policy = await prisma.policy.findUnique({
    where: { id },
    select: { ...summarySelect, versions: { orderBy: { version: 'desc' }, select: { version: true, document: true, comment: true, createdBy: true, createdAt: true } } },
  });
  if (!policy) return null;
  const { versions, ...rest } = policy;
  return { ...rest, document: JSON.parse(versions.find((v) => v.version === policy.currentVersion)!.document) as PolicyDocument, versions: versions.map((v) => ({ ...v, document: JSON.parse(v.document) as PolicyDocument })) };
}

export async function createPolicy(prisma: PrismaClient, input: z.infer<typeof createPolicySchema>, who: Who): Promise<Outcome<{ id: string; version: number }>> {
  const document = await validate(prisma, input.document);
  if (!document.ok) return document;
  if (await prisma.policy.findUnique({ where: { name: input.name }, select: { id: true } })) return { ok: false, code: 'conflict', message: `name: a policy named "${input.name}" already exists` };
  const policy = await prisma.policy.create({
    data: { name: input.name, description: input.description ?? null, versions: { create: { version: 1, document: JSON.stringify(document.value), comment: input.comment ?? null, createdBy: who.name } } },
    select: { id: true },
  });
  await recordAudit({ actor: who.name, action: 'policy-create', targetType: 'policy', targetId: policy.id, sourceAddress: who.sourceAddress, after: { name: input.name, version: 1, document: document.value } });
  await evaluateCompliance(prisma);
  return { ok: true, value: { id: policy.id, version: 1 } };
}

export async function updatePolicy(prisma: PrismaClient, id: string, input: z.infer<typeof updatePolicySchema>, who: Who): Promise<Outcome<{ id: string; version: number; changes: DocumentChange[] }>> {
  const current = await getPolicy(prisma, id);
  if (!current || current.archivedAt) return { ok: false, code: 'not-found', message: `No policy with id "${id}".` };
  if (input.baseVersion !== current.currentVersion) {
    const latest = current.versions[0]!;
    return { ok: false, code: 'conflict', message: `baseVersion: ${current.name} is at version ${current.currentVersion} (by ${latest.createdBy}); reload it and edit that version.` };
  }
  const document = await validate(prisma, input.document);
  if (!document.ok) return document;
  const changes = diffDocuments(current.document, document.value);
  const descriptionChanged = input.description !== undefined && (input.description ?? null) !== current.description;
  if (changes.length === 0 && !descriptionChanged) return { ok: false, code: 'bad-request', message: 'document: nothing changed from version ' + current.currentVersion };
  const version = current.currentVersion + 1;
  try {
    await prisma.$transaction([
      prisma.policyVersion.create({ data: { policyId: id, version, document: JSON.stringify(document.value), comment: input.comment ?? null, createdBy: who.name } }),
      // Only from the version the edit was made on: two concurrent edits cannot both land.
      prisma.policy.update({ where: { id, currentVersion: input.baseVersion }, data: { currentVersion: version, ...(input.description !== undefined ? { description: input.description } : {}) } }),
    ]);
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'P2002' || error.code === 'P2025')) {
      return { ok: false, code: 'conflict', message: `baseVersion: ${current.name} was changed by someone else at the same moment; reload it.` };
    }
    throw error;
  }
  await recordAudit({ actor: who.name, action: 'policy-update', targetType: 'policy', targetId: id, sourceAddress: who.sourceAddress, before: { version: current.currentVersion }, after: { version, changes, comment: input.comment ?? null } });
  await evaluateCompliance(prisma);
  return { ok: true, value: { id, version, changes } };
}

export async function archivePolicy(prisma: PrismaClient, id: string, who: Who): Promise<Outcome<{ id: string }>> {
  const policy = await prisma.policy.findUnique({ where: { id }, select: { name: true, archivedAt: true, currentVersion: true } });
  if (!policy || policy.archivedAt) return { ok: false, code: 'not-found', message: `No policy with id "${id}".` };
  await prisma.policy.update({ where: { id }, data: { archivedAt: new Date() } });
  await prisma.policyCompliance.deleteMany({ where: { policyId: id } });
  await recordAudit({ actor: who.name, action: 'policy-archive', targetType: 'policy', targetId: id, sourceAddress: who.sourceAddress, before: { name: policy.name, version: policy.currentVersion } });
  return { ok: true, value: { id } };
}

export async function diffVersions(prisma: PrismaClient, id: string, from: number, to: number): Promise<Outcome<{ from: number; to: number; changes: DocumentChange[] }>> {
  const versions = await prisma.policyVersion.findMany({ where: { policyId: id, version: { in: [from, to] } }, select: { version: true, document: true } });
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  if (!a || !b) return { ok: false, code: 'not-found', message: `${!a ? `from: no version ${from}` : `to: no version ${to}`} of this policy` };
  return { ok: true, value: { from, to, changes: diffDocuments(JSON.parse(a.document), JSON.parse(b.document)) } };
}

// ---------------------------------------------------------------------------- export and import

export const EXPORT_FORMAT = 'sriov-fleet-policies/v1';

/** What exportPolicies writes, as is (exportedAt and version are for the reader; the import ignores them). */
export const importSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT, `format: must be "${EXPORT_FORMAT}"`),
  exportedAt: z.string().max(40).optional(),
  policies: z
    .array(z.strictObject({ name: policyNameSchema, description: z.string().trim().max(500).nullable().optional(), version: z.number().int().min(1).optional(), document: z.unknown() }))
    .min(1)
    .max(200),
  dryRun: z.boolean().optional(),
});

export async function exportPolicies(prisma: PrismaClient) {
  const policies = await listPolicies(prisma);
  return { format: EXPORT_FORMAT, exportedAt: new Date().toISOString(), policies: policies.map((p) => ({ name: p.name, description: p.description, version: p.currentVersion, document: p.document })) };
}

/** Creates the policies that are new and a new version of those that differ; unchanged ones stay. Nothing is written unless every one is valid. */
export async function importPolicies(prisma: PrismaClient, input: z.infer<typeof importSchema>, who: Who): Promise<Outcome<{ dryRun: boolean; created: string[]; updated: { name: string; changes: DocumentChange[] }[]; unchanged: string[] }>> {
  const seen = new Set<string>();
  const issues: ErrorIssue[] = [];
  const documents: PolicyDocument[] = [];
  for (const [i, p] of input.policies.entries()) {
    if (seen.has(p.name)) issues.push({ path: `policies.${i}.name`, message: `"${p.name}" appears twice` });
    seen.add(p.name);
    const parsed = await validate(prisma, p.document);
    if (!parsed.ok) issues.push(...(parsed.issues ?? [{ path: 'document', message: parsed.message }]).map((x) => ({ path: `policies.${i}.${x.path}`, message: x.message })));
    else documents.push(parsed.value);
  }
  if (issues.length) return { ok: false, code: 'bad-request', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues };
  const existing = new Map((await listPolicies(prisma)).map((p) => [p.name, p]));
  const created: string[] = [];
  const updated: { name: string; changes: DocumentChange[] }[] = [];
  const unchanged: string[] = [];
  input.policies.forEach((p, i) => {
    const before = existing.get(p.name);
    if (!before) created.push(p.name);
    else {
      const changes = diffDocuments(before.document, documents[i]!);
      if (changes.length) updated.push({ name: p.name, changes });
      else unchanged.push(p.name);
    }
  });
  if (!input.dryRun) {
    for (const [i, p] of input.policies.entries()) {
      const before = existing.get(p.name);
      if (!before) await createPolicy(prisma, { name: p.name, document: documents[i], comment: 'imported', ...(p.description ? { description: p.description } : {}) }, who);
      else if (updated.some((u) => u.name === p.name)) await updatePolicy(prisma, before.id, { document: documents[i], baseVersion: before.currentVersion, comment: 'imported', ...(p.description !== undefined ? { description: p.description } : {}) }, who);
    }
  }
  return { ok: true, value: { dryRun: input.dryRun === true, created, updated, unchanged } };
}

// ---------------------------------------------------------------------------- selectors

export async function previewSelector(prisma: PrismaClient, selector: Selector): Promise<{ count: number; hosts: string[] }> {
  const names: string[] = [];
  let count = 0;
  for await (const page of planHosts(prisma)) {
    for (const host of page) {
      if (!matchesSelector(selector, host)) continue;
      count++;
      if (names.length < 25) names.push(host.name);
    }
  }
  return { count, hosts: names };
}

// ---------------------------------------------------------------------------- plans

export const planRequestSchema = z
  .strictObject({
    policyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    hostIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).min(1).max(5_000).optional(),
    /** Remediation: only the hosts that are not compliant. */
    onlyNonCompliant: z.boolean().optional(),
  })
  .refine((r) => r.policyId !== undefined || r.hostIds !== undefined, 'give policyId, hostIds, or both');

export interface PlanDocument extends PlanResult {
  computedAt: string;
  policies: { id: string; name: string; version: number }[];
}

/**
 * JSON with every character past ASCII escaped (\u2013): the same JSON once parsed, but a string
 * V8 keeps one byte a character. A plan's "VFs 0–15" and "→" would make each host's text, and
 * the copies made on the way to the database, two bytes a character.
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Computes a plan and keeps it. Each host's plan is kept as JSON text as soon as it is computed
 * and only the totals are answered: a plan over thousands of hosts held as objects to the end
 * costs several times its text (bench/policy-plan.ts); the plan is read back by getPlan.
 */
export async function createPlan(prisma: PrismaClient, input: z.infer<typeof planRequestSchema>, who: Who): Promise<Outcome<{ id: string; totals: PlanTotals }>> {
  const all = await activePolicies(prisma);
  const target = input.policyId ? all.find((p) => p.id === input.policyId) : undefined;
  if (input.policyId && !target) return { ok: false, code: 'not-found', message: `policyId: no active policy with id "${input.policyId}"` };
  const durations = await loadDurations(prisma);
  const hosts: string[] = [];
  const tally = planTally();
  const fingerprints: string[] = [];
  for await (const page of planHosts(prisma, input.hostIds ? { hostIds: input.hostIds } : {})) {
    // Overlapping policies decide together: a plan for one policy still honours the others.
    for (const host of page) {
      if (target && !matchesSelector(target.document.selector, host)) continue;
      const plan = planHost(host, all, { durations });
      if (plan.policies.length === 0) continue;
      if (input.onlyNonCompliant && plan.status === 'compliant') continue;
      tally.add(plan);
      hosts.push(asciiJson(plan));
      const facts = hostFacts(host);
      fingerprints.push(`${JSON.stringify(host.id)}:${asciiJson({ hash: fingerprint(facts), facts })}`);
    }
  }
  const totals = tally.totals();
  const rest: Omit<PlanDocument, 'hosts'> = { totals, computedAt: new Date().toISOString(), policies: all.map((p) => ({ id: p.id, name: p.name, version: p.version })) };
  const row = await prisma.plan.create({
    data: {
      policyId: target?.id ?? null,
      policyVersion: target?.version ?? null,
      scope: JSON.stringify({ policyId: input.policyId ?? null, hostIds: input.hostIds ?? null, onlyNonCompliant: input.onlyNonCompliant === true }),
      document: `{"hosts":[${hosts.join(',')}],${JSON.stringify(rest).slice(1)}`,
      fingerprints: `{${fingerprints.join(',')}}`,
      computedBy: who.name,
    },
    select: { id: true },
  });
  await recordAudit({ actor: who.name, action: 'plan-compute', targetType: 'plan', targetId: row.id, sourceAddress: who.sourceAddress, after: { policy: target?.name ?? null, ...totals } });
  return { ok: true, value: { id: row.id, totals } };
}

export async function getPlan(prisma: PrismaClient, id: string) {
  const row = await prisma.plan.findUnique({ where: { id }, select: { id: true, policyId: true, policyVersion: true, scope: true, document: true, computedBy: true, policy: { select: { name: true } } } });
  if (!row) return null;
  return { id: row.id, policyId: row.policyId, policyName: row.policy?.name ?? null, policyVersion: row.policyVersion, scope: JSON.parse(row.scope) as unknown, computedBy: row.computedBy, ...(JSON.parse(row.document) as PlanDocument) };
}

/**
 * Whether the inventory still is what the plan was computed on. A plan whose hosts changed since
 * is stale: applying it is refused with what changed (as with a saved terraform plan).
 */
export async function planFreshness(prisma: PrismaClient, id: string): Promise<Outcome<{ fresh: boolean; changed: { hostId: string; hostName: string; changes: string[] }[]; policiesChanged: string[] }>> {
  const row = await prisma.plan.findUnique({ where: { id }, select: { fingerprints: true, document: true } });
  if (!row) return { ok: false, code: 'not-found', message: `No plan with id "${id}".` };
  const stored = JSON.parse(row.fingerprints) as Record<string, { hash: string; facts: Record<string, string> }>;
  const plan = JSON.parse(row.document) as PlanDocument;
  const changed: { hostId: string; hostName: string; changes: string[] }[] = [];
  const present = new Set<string>();
  for await (const page of planHosts(prisma, { hostIds: Object.keys(stored) })) {
    for (const host of page) {
      present.add(host.id);
      const facts = hostFacts(host);
      const before = stored[host.id]!;
      if (fingerprint(facts) !== before.hash) changed.push({ hostId: host.id, hostName: host.name, changes: factChanges(before.facts, facts) });
    }
  }
  for (const h of plan.hosts) if (!present.has(h.hostId)) changed.push({ hostId: h.hostId, hostName: h.hostName, changes: ['the host was removed from the inventory'] });
  const now = await activePolicies(prisma);
  const policiesChanged = plan.policies.filter((p) => now.find((n) => n.id === p.id)?.version !== p.version).map((p) => p.name);
  return { ok: true, value: { fresh: changed.length === 0 && policiesChanged.length === 0, changed, policiesChanged } };
}

// ---------------------------------------------------------------------------- compliance

const COMPLIANCE_BATCH = 200;

/** Evaluates every host (or these) against every active policy, storing states and transitions. */
export async function evaluateCompliance(prisma: PrismaClient, options: { hostIds?: readonly string[] } = {}): Promise<{ hosts: number; transitions: number }> {
  const policies = await activePolicies(prisma);
  const durations = NO_HISTORY;
  let hosts = 0;
  let transitions = 0;
  const automatic = policies.filter((p) => p.document.autoRemediate);
  // Written 200 hosts at a time: a transaction per small page would be many, and one batch of
  // 2,500 hosts × policies held 80 MB more at the first evaluation for no time saved.
  let batch: HostPlan[] = [];
  const flush = async () => {
    hosts += batch.length;
    transitions += (await recordCompliance(prisma, batch, policies)).transitions;
    for (const policy of automatic) {
      for (const plan of batch) if (plan.policies.some((p) => p.id === policy.id)) await remediate(plan, policy.name);
    }
    batch = [];
  };
  for await (const page of planHosts(prisma, options)) {
    for (const host of page) batch.push(planHost(host, policies, { durations }));
    if (batch.length >= COMPLIANCE_BATCH) await flush();
  }
  if (batch.length) await flush();
  // Over the whole fleet, every active policy now has a row per host it selects: none means it
  // selects none. Its updatedAt stays the time of its last edit.
  if (!options.hostIds && policies.length) {
    const now = new Date();
    const rows = await prisma.policy.findMany({ where: { id: { in: policies.map((p) => p.id) } }, select: { id: true, updatedAt: true } });
    await prisma.$transaction(rows.map((r) => prisma.policy.update({ where: { id: r.id }, data: { evaluatedAt: now, updatedAt: r.updatedAt }, select: { id: true } })));
  }
  return { hosts, transitions };
}

export async function policyCompliance(prisma: PrismaClient, policyId: string) {
  const policy = await prisma.policy.findUnique({ where: { id: policyId }, select: { evaluatedAt: true } });
  const rows = await prisma.policyCompliance.findMany({
    where: { policyId },
    orderBy: [{ host: { name: 'asc' } }],
    select: { state: true, details: true, since: true, checkedAt: true, host: { select: { id: true, name: true } } },
  });
  const transitions = await prisma.complianceTransition.findMany({ where: { policyId }, orderBy: { at: 'desc' }, take: 200, select: { hostId: true, hostName: true, from: true, to: true, at: true } });
  return {
    evaluatedAt: policy?.evaluatedAt ?? null,
    hosts: rows.map((r) => ({ hostId: r.host.id, hostName: r.host.name, state: r.state as ComplianceEntry['state'], details: JSON.parse(r.details) as string[], since: r.since, checkedAt: r.checkedAt })),
    transitions,
  };
}

export { complianceOf };
