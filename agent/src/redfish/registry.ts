// The BIOS attribute registry: which attributes exist, which values they take, and which other
// settings (a workload profile above all) make them read-only. Checked before anything is sent,
// because the iLO itself accepts any PATCH and reports problems only after the next reset.

import { KNOWN_PROFILE_LOCKS } from './oem/hpe';
import type { AttributeRegistryDocument, RegistryDependency } from './resources';

export interface AttributeDefinition {
  name: string;
  type: string;
  /** Allowed values of an Enumeration; null for other types. */
  values: string[] | null;
  readOnly: boolean;
  maxLength?: number;
  minLength?: number;
  lowerBound?: number;
  upperBound?: number;
}

export interface AttributeRegistry {
  id: string | null;
  attributes: Map<string, AttributeDefinition>;
  /** null when the registry carries no Dependencies (iLO 4): known profile locks apply instead. */
  dependencies: RegistryDependency[] | null;
}

export interface AttributeLock {
  attribute: string;
  /** The value the lock forces, when the registry (or HPE's documentation) says which. */
  forcedValue: string | null;
  /** The settings that cause the lock, e.g. [{ attribute: 'WorkloadProfile', value: 'I/OThroughput' }]. */
  lockedBy: { attribute: string; value: string }[];
}

export function parseAttributeRegistry(document: AttributeRegistryDocument): AttributeRegistry {
  const attributes = new Map<string, AttributeDefinition>();
  for (const entry of document.attributes) {
    if (!entry.name) continue;
    const definition: AttributeDefinition = {
      name: entry.name,
      type: entry.type ?? 'String',
      values: entry.values ?? null,
      readOnly: entry.readOnly ?? false,
    };
    if (entry.maxLength !== undefined) definition.maxLength = entry.maxLength;
    if (entry.minLength !== undefined) definition.minLength = entry.minLength;
    if (entry.lowerBound !== undefined) definition.lowerBound = entry.lowerBound;
    if (entry.upperBound !== undefined) definition.upperBound = entry.upperBound;
    attributes.set(entry.name, definition);
  }
  return { id: document.id ?? null, attributes, dependencies: document.dependencies ?? null };
}

/** A BIOS value as a caller gives it: the CLI has only text, the API may send JSON numbers and booleans. */
export type BiosValue = string | number | boolean;

const INTEGER_TEXT = /^[+-]?\d+$/;

/**
 * The value as the attribute's registry type wants it on the wire, or why it cannot be. The iLO
 * accepts a PATCH whatever its types and the BIOS refuses a wrong one only at the next boot
 * (PropertyValueTypeError), so "12" for an Integer is sent as 12 and "x" is refused here.
 */
export function coerceBiosValue(definition: AttributeDefinition, value: BiosValue): { value: BiosValue } | { problem: string } {
  if (definition.readOnly) return { problem: 'read-only attribute' };
  const shown = JSON.stringify(value);
  if (definition.type === 'Integer') {
    const n = typeof value === 'number' ? value : typeof value === 'string' && INTEGER_TEXT.test(value.trim()) ? Number(value.trim()) : NaN;
    if (!Number.isSafeInteger(n)) return { problem: `${shown} is not an integer` };
    if (definition.lowerBound !== undefined && n < definition.lowerBound) return { problem: `${n} is below the lowest allowed value, ${definition.lowerBound}` };
    if (definition.upperBound !== undefined && n > definition.upperBound) return { problem: `${n} is above the highest allowed value, ${definition.upperBound}` };
    return { value: n };
  }
  if (definition.type === 'Boolean') {
    if (typeof value === 'boolean') return { value };
    const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
    return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: `${shown} is not true or false` };
  }
  if (typeof value === 'boolean') return { problem: `${shown} is not allowed: the attribute takes ${definition.values ? 'one of its values' : 'text'}` };
  const text = String(value);
  if (definition.values) return definition.values.includes(text) ? { value: text } : { problem: `"${text}" is not one of ${definition.values.join(', ')}` };
  if (definition.maxLength !== undefined && text.length > definition.maxLength) return { problem: `longer than ${definition.maxLength} characters` };
  if (definition.minLength !== undefined && text.length < definition.minLength) return { problem: `shorter than ${definition.minLength} characters` };
  return { value: text };
}

/** Why `value` cannot be written to `name`, or null when the registry allows it. */
export function checkAgainstRegistry(registry: AttributeRegistry, name: string, value: BiosValue): string | null {
  const definition = registry.attributes.get(name);
  if (!definition) {
    const near = [...registry.attributes.keys()].find((known) => known.toLowerCase() === name.toLowerCase());
    return near ? `unknown attribute (names are case-sensitive: did you mean ${near}?)` : 'unknown attribute';
  }
  const coerced = coerceBiosValue(definition, value);
  return 'problem' in coerced ? coerced.problem : null;
}

function holds(condition: string, actual: unknown, expected: unknown): boolean {
  switch (condition) {
    case 'EQU':
      return actual === expected;
    case 'NEQ':
      return actual !== expected;
    case 'GTR':
      return Number(actual) > Number(expected);
    case 'GEQ':
      return Number(actual) >= Number(expected);
    case 'LSS':
      return Number(actual) < Number(expected);
    case 'LEQ':
      return Number(actual) <= Number(expected);
    default:
      return false;
  }
}

/**
 * Attributes locked under the given settings. With registry Dependencies (iLO 5/6) every Map
 * dependency that holds and sets ReadOnly, GrayOut or a CurrentValue counts; without them, the
 * known workload-profile locks.
 */
export function findLocks(values: Readonly<Record<string, unknown>>, registry: AttributeRegistry | null): Map<string, AttributeLock> {
  const locks = new Map<string, AttributeLock>();
  if (registry?.dependencies) {
    const forced = new Map<string, string>();
    for (const dependency of registry.dependencies) {
      if ((dependency.type ?? 'Map') !== 'Map') continue;
      let result: boolean | null = null;
      const causes: { attribute: string; value: string }[] = [];
      for (const term of dependency.mapFrom) {
        // Only CurrentValue conditions describe settings; others (ReadOnly, GrayOut) are UI state.
        const actual = (term.property ?? 'CurrentValue') === 'CurrentValue' ? values[term.attribute] : undefined;
        const ok = actual !== undefined && holds(term.condition ?? 'EQU', actual, term.value);
        if (ok) causes.push({ attribute: term.attribute, value: String(actual) });
        result = result === null ? ok : term.terms === 'OR' ? result || ok : result && ok;
      }
      if (!result) continue;
      const target = dependency.mapToAttribute;
      // A forced CurrentValue locks as surely as ReadOnly: the BIOS overrides any other value at
      // boot. GrayOut is how HPE's own UI shows a profile-controlled setting.
      const forcedValue = dependency.mapToProperty === 'CurrentValue' && typeof dependency.mapToValue === 'string' ? dependency.mapToValue : null;
      const readOnly = (dependency.mapToProperty === 'ReadOnly' || dependency.mapToProperty === 'GrayOut') && dependency.mapToValue === true;
      if (forcedValue === null && !readOnly) continue;
      if (forcedValue !== null) forced.set(target, forcedValue);
      if (!locks.has(target)) locks.set(target, { attribute: target, forcedValue: null, lockedBy: causes });
    }
    for (const lock of locks.values()) lock.forcedValue = forced.get(lock.attribute) ?? null;
    return locks;
  }
  const profile = values.WorkloadProfile;
  if (typeof profile !== 'string') return locks;
  for (const [attribute, forcedValue] of Object.entries(KNOWN_PROFILE_LOCKS[profile] ?? {})) {
    if (attribute in values) locks.set(attribute, { attribute, forcedValue, lockedBy: [{ attribute: 'WorkloadProfile', value: profile }] });
  }
  return locks;
}
