// Which hosts a policy is for: labels, model, generation, CPU vendor, NIC model and name globs.
// Every criterion given must hold; within one, any listed value will do. Globs know `*` and `?`
// only: no regular expressions, so a selector never surprises its reader. Pure: the browser shows
// the live count with the same function the plan uses.

import { z } from 'zod';
import { NIC_MODELS, nicModelKeyOf, type NicModelKey } from '@/lib/inventory/nic-catalog';
import { CPU_VENDORS, SERVER_GENERATIONS } from '@/lib/inventory/vocabulary';

export const LABEL_KEY = /^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/;
export const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const GLOB = /^[A-Za-z0-9.*?-]{1,64}$/;

const NIC_KEYS = Object.keys(NIC_MODELS) as [NicModelKey, ...NicModelKey[]];

const LABEL_KEY_WORDS = 'a label key: lower-case letters, digits, ".", "_", "/" or "-", at most 63, starting and ending with a letter or digit';
export const labelKeySchema = z.string().regex(LABEL_KEY, LABEL_KEY_WORDS);
export const labelValueSchema = z.string().regex(LABEL_VALUE, 'a label value: letters, digits, ".", "_" or "-", at most 63, starting and ending with a letter or digit');

const nonEmpty = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'at least one value').max(50);

/** key -> value, each key checked with the label key rule (a record's own key check says only "Invalid key"). */
export function labelMapSchema<V extends z.ZodType>(value: V) {
  return z.record(z.string(), value).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      if (!LABEL_KEY.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: LABEL_KEY_WORDS });
    }
  });
}

export const selectorSchema = z
  .strictObject({
    /** key -> value; "*" for "has the label, any value". */
    labels: labelMapSchema(z.union([labelValueSchema, z.literal('*')])).optional(),
    names: nonEmpty(z.string().regex(GLOB, 'a host name or a glob with * and ? ("kvm-a*"); no regular expressions')).optional(),
    models: nonEmpty(z.string().trim().min(1).max(100)).optional(),
    generations: nonEmpty(z.enum(SERVER_GENERATIONS)).optional(),
    cpuVendors: nonEmpty(z.enum(CPU_VENDORS)).optional(),
    nicModels: nonEmpty(z.enum(NIC_KEYS)).optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined && (!(typeof v === 'object' && !Array.isArray(v)) || Object.keys(v).length > 0)), {
    message: 'give at least one criterion (names: ["*"] selects every host)',
  });
export type Selector = z.infer<typeof selectorSchema>;

/** What a selector looks at. */
export interface SelectorHost {
  name: string;
  model: string;
  generation: string;
  cpuVendor: string;
  labels: Record<string, string>;
  pfs: { vendorId: string; deviceId: string }[];
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function matchesGlob(glob: string, name: string): boolean {
  return globToRegExp(glob).test(name);
}

export function nicModelsOf(host: Pick<SelectorHost, 'pfs'>): Set<NicModelKey> {
  const keys = new Set<NicModelKey>();
  for (const pf of host.pfs) {
    const key = nicModelKeyOf(pf.vendorId, pf.deviceId);
    if (key) keys.add(key);
  }
  return keys;
}

export function matchesSelector(selector: Selector, host: SelectorHost): boolean {
  if (selector.labels) {
    for (const [key, value] of Object.entries(selector.labels)) {
      const has = host.labels[key];
      if (has === undefined || (value !== '*' && has !== value)) return false;
    }
  }
  if (selector.names && !selector.names.some((glob) => matchesGlob(glob, host.name))) return false;
  if (selector.models && !selector.models.some((m) => m.toLowerCase() === host.model.toLowerCase())) return false;
  if (selector.generations && !(selector.generations as string[]).includes(host.generation)) return false;
  if (selector.cpuVendors && !(selector.cpuVendors as string[]).includes(host.cpuVendor)) return false;
  if (selector.nicModels) {
    const nics = nicModelsOf(host);
    if (!selector.nicModels.some((m) => nics.has(m))) return false;
  }
  return true;
}

/** "role=kvm, generation Gen10, name kvm-a*": the selector in words, for lists and audit records. */
export function describeSelector(selector: Selector): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selector.labels ?? {})) parts.push(value === '*' ? `label ${key}` : `${key}=${value}`);
  if (selector.names) parts.push(`name ${selector.names.join(' or ')}`);
  if (selector.models) parts.push(`model ${selector.models.join(' or ')}`);
  if (selector.generations) parts.push(`generation ${selector.generations.join(' or ')}`);
  if (selector.cpuVendors) parts.push(`${selector.cpuVendors.join(' or ')} CPU`);
  if (selector.nicModels) parts.push(`NIC ${selector.nicModels.join(' or ')}`);
  return parts.join(', ');
}
