import type { AttachRequest, BindRequest, DesiredState, DesiredVf, DetachRequest, SetNumVfsRequest, SetVfRequest, SimRebootRequest } from './api-types';
import { AgentError } from './errors';
import { PCI_ADDRESS } from './sysfs/paths';

// The agent validates with these few checks rather than zod: zod alone adds about 11 MB to the
// agent's resident memory (measured, Node 20), a fifth of the 60 MB budget, for five small
// request bodies. The dashboard server keeps zod.

export interface Issue {
  path: string;
  message: string;
}

/** Returns the parsed value, or undefined after pushing at least one issue. */
export type Check<T> = (value: unknown, path: string, issues: Issue[]) => T | undefined;

export function int(min: number, max: number): Check<number> {
  return (value, path, issues) => {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    issues.push({ path, message: `a whole number from ${min} to ${max}` });
    return undefined;
  };
}

export function pattern(re: RegExp, description: string): Check<string> {
  return (value, path, issues) => {
    if (typeof value === 'string' && re.test(value)) return value;
    issues.push({ path, message: description });
    return undefined;
  };
}

export function bool(): Check<boolean> {
  return (value, path, issues) => {
    if (typeof value === 'boolean') return value;
    issues.push({ path, message: 'true or false' });
    return undefined;
  };
}

export function oneOf<const V extends string>(...values: V[]): Check<V> {
  return (value, path, issues) => {
    if (typeof value === 'string' && (values as string[]).includes(value)) return value as V;
    issues.push({ path, message: `one of ${values.join(', ')}` });
    return undefined;
  };
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  const wrapped: Check<T | undefined> = (value, path, issues) => (value === undefined ? undefined : check(value, path, issues));
  return Object.assign(wrapped, { optional: true });
}

type Shape<T> = { [K in keyof T]-?: Check<T[K]> };

/** A JSON object with exactly these fields: unknown fields are refused, not ignored. */
export function object<T>(shape: Shape<T>, options: { nonEmpty?: boolean } = {}): Check<T> {
  return (value, path, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path, message: 'a JSON object' });
      return undefined;
    }
    const input = value as Record<string, unknown>;
    const before = issues.length;
    const out: Record<string, unknown> = {};
    // Own keys only: `key in shape` let "__proto__", "constructor" and "toString" through.
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(shape, key)) issues.push({ path: join(path, key), message: 'unknown field' });
    }
    for (const [key, check] of Object.entries(shape) as [string, Check<unknown>][]) {
      const field = Object.hasOwn(input, key) ? input[key] : undefined;
      if (field === undefined && !('optional' in check)) {
        issues.push({ path: join(path, key), message: 'required' });
        continue;
      }
      const parsed = check(field, join(path, key), issues);
      if (parsed !== undefined) out[key] = parsed;
    }
    if (options.nonEmpty && Object.keys(input).length === 0) issues.push({ path, message: 'at least one field' });
    return issues.length === before ? (out as T) : undefined;
  };
}

export function record<T>(key: Check<string>, check: Check<T>): Check<Record<string, T>> {
  return (value, path, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path, message: 'a JSON object' });
      return undefined;
    }
    const before = issues.length;
    // No prototype: a key named "__proto__" stays a key.
    const out = Object.create(null) as Record<string, T>;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (key(k, join(path, k), issues) === undefined) continue;
      const parsed = check(v, join(path, k), issues);
      if (parsed !== undefined) out[k] = parsed;
    }
    return issues.length === before ? out : undefined;
  };
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export const pciAddress = pattern(PCI_ADDRESS, 'a PCI address like 0000:04:00.0 (lower-case hex, with the domain)');

// libvirt allows more in a name; the agent accepts what can never be mistaken for a path or flag.
export const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;
export const vmName = pattern(VM_NAME, 'a VM name: letters, digits, _ . + -, up to 64, not starting with a symbol');

/** A unicast MAC, lower-cased. */
export const mac: Check<string> = (value, path, issues) => {
  const parsed = pattern(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'a MAC address like 02:11:22:33:44:55')(value, path, issues);
  if (parsed === undefined) return undefined;
  if (parseInt(parsed.slice(0, 2), 16) & 1) {
    issues.push({ path, message: 'a unicast MAC (the first octet must be even)' });
    return undefined;
  }
  return parsed.toLowerCase();
};

const linkState = oneOf('auto', 'enable', 'disable');
const driverTarget = oneOf('vfio-pci', 'default');

export const setNumVfsBody = object<SetNumVfsRequest>({ numVfs: int(0, 65535), timeoutMs: optional(int(0, 120_000)) });

export const setVfBody = object<SetVfRequest>(
  {
    mac: optional(mac),
    vlan: optional(int(0, 4094)),
    qos: optional(int(0, 7)),
    trust: optional(bool()),
    spoofchk: optional(bool()),
    linkState: optional(linkState),
    maxTxRate: optional(int(0, 1_000_000)),
  },
  { nonEmpty: true },
);

export const bindBody = object<BindRequest>({ driver: driverTarget });
export const attachBody = object<AttachRequest>({ vf: pciAddress, mac: optional(mac), vlan: optional(int(1, 4094)) });
export const detachBody = object<DetachRequest>({ vf: pciAddress });

export const simRebootBody = object<SimRebootRequest>({ sriov: bool(), iommu: bool() });

const desiredVf = object<DesiredVf>({
  mac: optional(mac),
  vlan: optional(int(0, 4094)),
  qos: optional(int(0, 7)),
  trust: optional(bool()),
  spoofchk: optional(bool()),
  linkState: optional(linkState),
  maxTxRate: optional(int(0, 1_000_000)),
  driver: optional(driverTarget),
});
export const desiredStateFile = object<DesiredState>({
  version: int(1, 1) as Check<1>,
  updatedAt: ((value, path, issues) => (value === null ? null : pattern(/^\d{4}-/, 'an ISO date or null')(value, path, issues))) as Check<string | null>,
  pfs: record(pciAddress, object({ numVfs: int(0, 65535), vfs: record(pattern(/^\d+$/, 'a VF index'), desiredVf) })),
});

/** Parses or throws the one 400 the API answers, with every issue listed. */
export function parseInput<T>(check: Check<T>, input: unknown, what: string): T {
  const issues: Issue[] = [];
  const parsed = check(input, '', issues);
  if (issues.length === 0 && parsed !== undefined) return parsed;
  const listed = issues.map((i) => ({ path: i.path || what, message: i.message }));
  throw new AgentError('bad-request', `invalid ${what}: ${listed.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues: listed });
}
