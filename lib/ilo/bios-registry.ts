// A BIOS change checked against the host's attribute registry before it is queued: the iLO
// accepts any PATCH with 200 and reports a bad name or value only after the next reset, so the
// check here is the operator's only early warning. The policies' BIOS baselines use it too.

import 'server-only';
import { checkAgainstRegistry, findLocks, registryFromDigest, type AttributeDefinition, type RegistryDigest } from '@/agent/src/redfish';
import { prisma } from '@/lib/db/client';
import type { ErrorIssue } from '@/lib/http';

export type BiosValue = string | number;

/** The stored registry of a host, or null when it has not been read from the iLO yet. */
export async function loadBiosRegistry(hostId: string): Promise<RegistryDigest | null> {
  const row = await prisma.biosRegistry.findUnique({ where: { hostId }, select: { registryId: true, biosVersion: true, attributes: true, dependencies: true } });
  if (!row) return null;
  return {
    id: row.registryId,
    biosVersion: row.biosVersion,
    attributes: JSON.parse(row.attributes) as AttributeDefinition[],
    dependencies: row.dependencies === null ? null : (JSON.parse(row.dependencies) as RegistryDigest['dependencies']),
  };
}

function allowed(definition: AttributeDefinition): string {
  if (definition.values) return `one of ${definition.values.join(', ')}`;
  if (definition.type === 'Integer') {
    const range = [definition.lowerBound, definition.upperBound];
    return range[0] !== undefined && range[1] !== undefined ? `a whole number from ${range[0]} to ${range[1]}` : 'a whole number';
  }
  return definition.maxLength !== undefined ? `text of at most ${definition.maxLength} characters` : 'text';
}

/**
 * Every problem with `changes` on this server: attributes it does not have, read-only ones,
 * values outside the registry's, and attributes a setting (a workload profile) locks. `settings`
 * are the server's values as they will be at the next boot (pending over current).
 */
/** Hosts of one BIOS version share a digest object (lib/policies/inventory.ts): its lookup map is built once. */
const registries = new WeakMap<RegistryDigest, ReturnType<typeof registryFromDigest>>();

export function checkBiosChange(digest: RegistryDigest, settings: Readonly<Record<string, string>>, changes: Readonly<Record<string, BiosValue>>): ErrorIssue[] {
  let registry = registries.get(digest);
  if (!registry) registries.set(digest, (registry = registryFromDigest(digest)));
  const issues: ErrorIssue[] = [];
  const texts: Record<string, string> = {};
  for (const [name, value] of Object.entries(changes)) {
    const path = `attributes.${name}`;
    const definition = registry.attributes.get(name);
    if (!definition) {
      issues.push({ path, message: `this server's BIOS has no ${name} attribute (its registry ${digest.id ?? 'as read'} does not list it)` });
      continue;
    }
    if (typeof value === 'number' && definition.type !== 'Integer') {
      issues.push({ path, message: `${value} is not allowed: ${allowed(definition)}` });
      continue;
    }
    const text = String(value);
    const problem = checkAgainstRegistry(registry, name, text);
    if (problem) {
      issues.push({ path, message: definition.readOnly ? `read-only on this server` : `${JSON.stringify(value)} is not allowed: ${allowed(definition)}` });
      continue;
    }
    texts[name] = text;
  }
  const locks = findLocks({ ...settings, ...texts }, registry);
  for (const [name, value] of Object.entries(texts)) {
    const lock = locks.get(name);
    if (!lock || lock.forcedValue === value) continue;
    const causes = lock.lockedBy.map((c) => `${c.attribute} is ${c.value}`).join(' and ') || 'another setting';
    const hint = lock.lockedBy.some((c) => c.attribute === 'WorkloadProfile') ? '; set WorkloadProfile to Custom in the same change' : '';
    issues.push({ path: `attributes.${name}`, message: `locked: ${causes}${lock.forcedValue ? `, which forces ${lock.forcedValue}` : ''}${hint}` });
  }
  return issues;
}
