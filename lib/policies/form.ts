// The policy form's fields and the document they stand for, both ways. The form keeps what the
// operator types (text, so a half-typed number is not lost); `documentOf` turns it into the raw
// document that the same zod schema as the server's checks, and `formOf` opens a saved version.
// Pure: the browser uses it, the unit test checks the round trip.

import type { PolicyDocument, NicRule } from './document';
import type { Selector } from './selector';

export type Tri = '' | 'on' | 'off';

export interface NicRuleFields {
  matchKind: 'nicModel' | 'pciIds' | 'pfName';
  matchValue: string;
  /** '' (leave), a number, or "max". */
  numVfs: string;
  driver: '' | 'vfio-pci' | 'default';
  trust: Tri;
  spoofchk: Tri;
  linkState: '' | 'auto' | 'enable' | 'disable';
  maxTxRate: string;
  /** Each free VF its own MAC from the fleet's ledger. */
  stableMacs: boolean;
}

export interface PolicyFields {
  priority: string;
  /** Globs separated by spaces or commas: "kvm-a* kvm-b01". */
  names: string;
  /** "role=kvm, rack=a1", or "role" alone for "has the label". */
  labels: string;
  models: string;
  generations: string[];
  cpuVendors: string[];
  nicModels: string[];
  bios: { name: string; value: string }[];
  iommuKernelArgs: boolean;
  vfioAtBoot: boolean;
  nics: NicRuleFields[];
  autoRemediate: boolean;
}

export const EMPTY_NIC_RULE: NicRuleFields = { matchKind: 'nicModel', matchValue: '', numVfs: '', driver: '', trust: '', spoofchk: '', linkState: '', maxTxRate: '', stableMacs: false };

export const EMPTY_FIELDS: PolicyFields = {
  priority: '0',
  names: '',
  labels: '',
  models: '',
  generations: [],
  cpuVendors: [],
  nicModels: [],
  bios: [
    { name: 'Sriov', value: 'Enabled' },
    { name: 'IOMMU', value: 'Enabled' },
  ],
  iommuKernelArgs: true,
  vfioAtBoot: true,
  nics: [],
  autoRemediate: false,
};

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);
const list = <T>(items: T[]) => (items.length ? items : undefined);
const tri = (value: Tri) => (value === '' ? undefined : value === 'on');
const triOf = (value: boolean | undefined): Tri => (value === undefined ? '' : value ? 'on' : 'off');

/** A number when the text is one (so the schema names a bad one), else the text as typed. */
function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export function selectorOf(fields: PolicyFields): Record<string, unknown> {
  const labels: Record<string, string> = {};
  for (const pair of fields.labels.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 0) labels[pair] = '*';
    else labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  const selector: Record<string, unknown> = {
    labels: Object.keys(labels).length ? labels : undefined,
    names: list(words(fields.names)),
    models: list(fields.models.split(',').map((m) => m.trim()).filter(Boolean)),
    generations: list(fields.generations),
    cpuVendors: list(fields.cpuVendors),
    nicModels: list(fields.nicModels),
  };
  return Object.fromEntries(Object.entries(selector).filter(([, v]) => v !== undefined));
}

function ruleOf(rule: NicRuleFields): Record<string, unknown> {
  const vfDefaults = Object.fromEntries(
    Object.entries({
      trust: tri(rule.trust),
      spoofchk: tri(rule.spoofchk),
      linkState: rule.linkState || undefined,
      maxTxRate: rule.maxTxRate.trim() === '' ? undefined : numberOrText(rule.maxTxRate),
    }).filter(([, v]) => v !== undefined),
  );
  const numVfs = rule.numVfs.trim();
  return Object.fromEntries(
    Object.entries({
      match: { [rule.matchKind]: rule.matchValue.trim() },
      numVfs: numVfs === '' ? undefined : numVfs === 'max' ? 'max' : numberOrText(numVfs),
      driver: rule.driver || undefined,
      vfDefaults: Object.keys(vfDefaults).length ? vfDefaults : undefined,
      macs: rule.stableMacs ? 'stable' : undefined,
    }).filter(([, v]) => v !== undefined),
  );
}

/** The raw document the fields stand for: not yet checked (policyDocumentSchema does that). */
export function documentOf(fields: PolicyFields): Record<string, unknown> {
  const bios = Object.fromEntries(fields.bios.filter((b) => b.name.trim() !== '').map((b) => [b.name.trim(), numberOrText(b.value)]));
  const os = Object.fromEntries(Object.entries({ iommuKernelArgs: fields.iommuKernelArgs || undefined, vfioAtBoot: fields.vfioAtBoot || undefined }).filter(([, v]) => v !== undefined));
  return Object.fromEntries(
    Object.entries({
      selector: selectorOf(fields),
      priority: numberOrText(fields.priority === '' ? '0' : fields.priority),
      bios: Object.keys(bios).length ? bios : undefined,
      os: Object.keys(os).length ? os : undefined,
      nics: fields.nics.length ? fields.nics.map(ruleOf) : undefined,
      autoRemediate: fields.autoRemediate,
    }).filter(([, v]) => v !== undefined),
  );
}

function ruleFields(rule: NicRule): NicRuleFields {
  const [matchKind, matchValue] = Object.entries(rule.match).find(([, v]) => v !== undefined) as [NicRuleFields['matchKind'], string];
  return {
    matchKind,
    matchValue,
    numVfs: rule.numVfs === undefined ? '' : String(rule.numVfs),
    driver: rule.driver ?? '',
    trust: triOf(rule.vfDefaults?.trust),
    spoofchk: triOf(rule.vfDefaults?.spoofchk),
    linkState: rule.vfDefaults?.linkState ?? '',
    maxTxRate: rule.vfDefaults?.maxTxRate === undefined ? '' : String(rule.vfDefaults.maxTxRate),
    stableMacs: rule.macs === 'stable',
  };
}

function labelsText(selector: Selector): string {
  return Object.entries(selector.labels ?? {})
    .map(([k, v]) => (v === '*' ? k : `${k}=${v}`))
    .join(', ');
}

/** The fields of a saved document (every field it can hold has a place in the form). */
export function formOf(document: PolicyDocument): PolicyFields {
  const s = document.selector;
  return {
    priority: String(document.priority),
    names: (s.names ?? []).join(' '),
    labels: labelsText(s),
    models: (s.models ?? []).join(', '),
    generations: [...(s.generations ?? [])],
    cpuVendors: [...(s.cpuVendors ?? [])],
    nicModels: [...(s.nicModels ?? [])],
    bios: Object.entries(document.bios ?? {}).map(([name, value]) => ({ name, value: String(value) })),
    iommuKernelArgs: document.os?.iommuKernelArgs === true,
    vfioAtBoot: document.os?.vfioAtBoot === true,
    nics: (document.nics ?? []).map(ruleFields),
    autoRemediate: document.autoRemediate,
  };
}
