'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useSavePolicy, useSelectorPreview } from '@/hooks/use-policies';
import { policyDocumentSchema, type PolicyDocument } from '@/lib/policies/document';
import { documentOf, EMPTY_FIELDS, EMPTY_NIC_RULE, formOf, selectorOf, type NicRuleFields, type PolicyFields } from '@/lib/policies/form';
import { selectorSchema, type Selector } from '@/lib/policies/selector';
import { NIC_MODELS } from '@/lib/inventory/nic-catalog';
import { CPU_VENDORS, SERVER_GENERATIONS } from '@/lib/inventory/vocabulary';
import { Button, ErrorNote } from '@/components/ui/button';
import { Card } from '@/components/ui/card';

const input = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-normal shadow-xs';
const small = 'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm shadow-xs';

function Text({ label, hint, value, onChange, ...rest }: { label: string; hint?: ReactNode; value: string; onChange: (v: string) => void } & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'>) {
  const hintId = useId();
  return (
    <div>
      <label className="block text-sm font-medium text-slate-700">
        {label}
        <input className={input} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" aria-describedby={hint ? hintId : undefined} {...rest} />
      </label>
      {hint && (
        <p id={hintId} className="mt-0.5 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}

function Choices({ legend, options, chosen, onChange }: { legend: string; options: readonly string[]; chosen: string[]; onChange: (next: string[]) => void }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {options.map((o) => (
          <label key={o} className="inline-flex items-center gap-1.5">
            <input type="checkbox" checked={chosen.includes(o)} onChange={(e) => onChange(e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o))} />
            {o}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function TriSelect({ label, value, onChange }: { label: string; value: NicRuleFields['trust']; onChange: (v: NicRuleFields['trust']) => void }) {
  return (
    <label className="text-xs font-medium text-slate-600">
      {label}
      <select aria-label={label} className={`${small} mt-0.5 block`} value={value} onChange={(e) => onChange(e.target.value as NicRuleFields['trust'])}>
        <option value="">leave</option>
        <option value="on">on</option>
        <option value="off">off</option>
      </select>
    </label>
  );
}

/** "nics.0.numVfs" → "NIC rule 1, VF count". */
function where(path: readonly PropertyKey[]): string {
  const p = path.map(String);
  if (p[0] === 'nics' && p[1] !== undefined) return `NIC rule ${Number(p[1]) + 1}${p.length > 2 ? `, ${p.slice(2).join('.')}` : ''}`;
  return p.join('.') || 'policy';
}

/** The hosts the selector matches, counted by the server as the user types. */
function LiveCount({ selector }: { selector: Record<string, unknown> }) {
  const key = JSON.stringify(selector);
  const [settled, setSettled] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(key), 300);
    return () => clearTimeout(timer);
  }, [key]);
  const parsed = useMemo(() => selectorSchema.safeParse(JSON.parse(settled)), [settled]);
  const preview = useSelectorPreview(parsed.success ? (parsed.data as Selector) : null);
  if (!parsed.success) {
    return <p className="text-sm text-amber-900">{parsed.error.issues.map((i) => `${where(i.path)}: ${i.message}`).join('; ')}</p>;
  }
  if (preview.error) return <p className="text-sm text-rose-800">{preview.error.message}</p>;
  if (!preview.data) return <p className="text-sm text-slate-500">Counting…</p>;
  const { count, hosts } = preview.data;
  return (
    <p role="status" aria-label="Hosts matched" className="text-sm">
      <span className="font-semibold">
        Matches {count} {count === 1 ? 'host' : 'hosts'}
      </span>
      {count > 0 && (
        <span className="text-slate-600">
          : {hosts.join(', ')}
          {count > hosts.length && `, and ${count - hosts.length} more`}
        </span>
      )}
    </p>
  );
}

/** Creates a policy or edits one (every save a new version, on the version it was opened on). */
export function PolicyForm({ existing }: { existing?: { id: string; name: string; description: string | null; version: number; document: PolicyDocument } }) {
  const router = useRouter();
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [comment, setComment] = useState('');
  const [fields, setFields] = useState<PolicyFields>(existing ? formOf(existing.document) : EMPTY_FIELDS);
  const [issues, setIssues] = useState<string[]>([]);
  const save = useSavePolicy(existing ? { id: existing.id, baseVersion: existing.version } : null);
  const set = <K extends keyof PolicyFields>(key: K, value: PolicyFields[K]) => setFields((f) => ({ ...f, [key]: value }));
  const setRule = (i: number, change: Partial<NicRuleFields>) => set('nics', fields.nics.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const document = documentOf(fields);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = policyDocumentSchema.safeParse(document);
    if (!checked.success) {
      setIssues(checked.error.issues.map((i) => `${where(i.path)}: ${i.message}`));
      return;
    }
    setIssues([]);
    save.mutate(
      { name: name.trim(), description: description.trim() || undefined, document, comment: comment.trim() || undefined },
      { onSuccess: (saved) => router.push(`/policies/${saved.id}`) },
    );
  };

  return (
    <form onSubmit={submit} aria-label={existing ? `Edit policy ${existing.name}` : 'New policy'} className="space-y-5">
      <Card title="Policy">
        <div className="grid gap-4 p-4 md:grid-cols-2">
          {existing ? (
            <p className="text-sm">
              <span className="font-medium text-slate-700">Name</span>
              <span className="mt-1 block font-semibold">{existing.name}</span>
              <span className="text-xs text-slate-500">Saving makes version {existing.version + 1}; version {existing.version} is kept.</span>
            </p>
          ) : (
            <Text label="Name" value={name} onChange={setName} required placeholder="sriov-gen10" hint="Lower-case letters, digits, “.”, “_” or “-”." />
          )}
          <Text label="Priority" value={fields.priority} onChange={(v) => set('priority', v)} inputMode="numeric" hint="Where policies overlap, the higher one applies; equal ones that disagree refuse the host." />
          <Text label="Description" value={description} onChange={setDescription} placeholder="What this group of hosts is for" />
          <Text label="What changed (kept with the version)" value={comment} onChange={setComment} placeholder={existing ? 'Raise the VF count for the new VMs' : 'First version'} />
        </div>
      </Card>

      <Card title="Hosts it selects">
        <div className="grid gap-4 p-4 md:grid-cols-2">
          <Text label="Host names" value={fields.names} onChange={(v) => set('names', v)} placeholder="kvm-a* kvm-b01" hint="Names or globs with * and ?, separated by spaces; no regular expressions." />
          <Text label="Labels" value={fields.labels} onChange={(v) => set('labels', v)} placeholder="role=kvm, rack=a1" hint="key=value, separated by commas; a key alone matches any value." />
          <Text label="Models" value={fields.models} onChange={(v) => set('models', v)} placeholder="ProLiant DL380 Gen10" hint="Separated by commas." />
          <div className="space-y-3">
            <Choices legend="Generations" options={SERVER_GENERATIONS} chosen={fields.generations} onChange={(v) => set('generations', v)} />
            <Choices legend="CPU vendors" options={CPU_VENDORS} chosen={fields.cpuVendors} onChange={(v) => set('cpuVendors', v)} />
            <Choices legend="NIC models" options={Object.keys(NIC_MODELS)} chosen={fields.nicModels} onChange={(v) => set('nicModels', v)} />
          </div>
        </div>
        <div className="border-t border-slate-100 px-4 py-2.5">
          <LiveCount selector={selectorOf(fields)} />
        </div>
      </Card>

      <Card title="BIOS baseline">
        <div className="space-y-2 p-4">
          <p className="text-xs text-slate-500">Checked against each host’s BIOS attribute registry. IOMMU stands for the CPU’s own attribute: IntelProcVtd on Intel, ProcAmdIoVt on AMD.</p>
          {fields.bios.map((b, i) => (
            <div key={i} className="flex items-center gap-2">
              <input aria-label={`BIOS attribute ${i + 1}`} className={small} value={b.name} placeholder="Sriov" onChange={(e) => set('bios', fields.bios.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
              <span aria-hidden>=</span>
              <input aria-label={`BIOS value ${i + 1}`} className={small} value={b.value} placeholder="Enabled" onChange={(e) => set('bios', fields.bios.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
              <Button size="sm" onClick={() => set('bios', fields.bios.filter((_, j) => j !== i))} aria-label={`Remove BIOS attribute ${i + 1}`}>
                Remove
              </Button>
            </div>
          ))}
          <Button size="sm" onClick={() => set('bios', [...fields.bios, { name: '', value: '' }])}>
            Add attribute
          </Button>
        </div>
      </Card>

      <Card title="Operating system">
        <div className="flex flex-wrap gap-6 p-4 text-sm">
          <label className="inline-flex items-center gap-1.5">
            <input type="checkbox" checked={fields.iommuKernelArgs} onChange={(e) => set('iommuKernelArgs', e.target.checked)} />
            IOMMU kernel arguments (intel_iommu=on or amd_iommu=on, iommu=pt)
          </label>
          <label className="inline-flex items-center gap-1.5">
            <input type="checkbox" checked={fields.vfioAtBoot} onChange={(e) => set('vfioAtBoot', e.target.checked)} />
            vfio-pci loaded at boot
          </label>
        </div>
      </Card>

      <Card title="NIC rules">
        <div className="space-y-3 p-4">
          <p className="text-xs text-slate-500">The first rule that matches a PF applies to it. A VF count of “max” is as many as the NIC allows.</p>
          {fields.nics.map((rule, i) => (
            <fieldset key={i} className="rounded-md border border-slate-200 p-3">
              <legend className="px-1 text-xs font-semibold text-slate-600">Rule {i + 1}</legend>
              <div className="flex flex-wrap items-end gap-3">
                <label className="text-xs font-medium text-slate-600">
                  Match by
                  <select aria-label={`Rule ${i + 1} match by`} className={`${small} mt-0.5 block`} value={rule.matchKind} onChange={(e) => setRule(i, { matchKind: e.target.value as NicRuleFields['matchKind'], matchValue: '' })}>
                    <option value="nicModel">NIC model</option>
                    <option value="pciIds">PCI ids</option>
                    <option value="pfName">PF name</option>
                  </select>
                </label>
                <label className="text-xs font-medium text-slate-600">
                  {rule.matchKind === 'nicModel' ? 'Model' : rule.matchKind === 'pciIds' ? 'vendor:device' : 'Name or glob'}
                  {rule.matchKind === 'nicModel' ? (
                    <select aria-label={`Rule ${i + 1} NIC model`} className={`${small} mt-0.5 block`} value={rule.matchValue} onChange={(e) => setRule(i, { matchValue: e.target.value })}>
                      <option value="">choose…</option>
                      {Object.entries(NIC_MODELS).map(([key, m]) => (
                        <option key={key} value={key}>
                          {key} ({m.chip})
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input aria-label={`Rule ${i + 1} ${rule.matchKind === 'pciIds' ? 'PCI ids' : 'PF name'}`} className={`${small} mt-0.5 block w-36`} value={rule.matchValue} placeholder={rule.matchKind === 'pciIds' ? '8086:10fb' : 'ens1f*'} onChange={(e) => setRule(i, { matchValue: e.target.value })} />
                  )}
                </label>
                <label className="text-xs font-medium text-slate-600">
                  VF count
                  <input aria-label={`Rule ${i + 1} VF count`} className={`${small} mt-0.5 block w-20`} value={rule.numVfs} placeholder="leave" onChange={(e) => setRule(i, { numVfs: e.target.value })} />
                </label>
                <label className="text-xs font-medium text-slate-600">
                  VF driver
                  <select aria-label={`Rule ${i + 1} VF driver`} className={`${small} mt-0.5 block`} value={rule.driver} onChange={(e) => setRule(i, { driver: e.target.value as NicRuleFields['driver'] })}>
                    <option value="">leave</option>
                    <option value="vfio-pci">vfio-pci</option>
                    <option value="default">the NIC’s VF driver</option>
                  </select>
                </label>
                <TriSelect label="Trust" value={rule.trust} onChange={(v) => setRule(i, { trust: v })} />
                <TriSelect label="Spoof check" value={rule.spoofchk} onChange={(v) => setRule(i, { spoofchk: v })} />
                <label className="text-xs font-medium text-slate-600">
                  Link state
                  <select aria-label={`Rule ${i + 1} link state`} className={`${small} mt-0.5 block`} value={rule.linkState} onChange={(e) => setRule(i, { linkState: e.target.value as NicRuleFields['linkState'] })}>
                    <option value="">leave</option>
                    <option value="auto">auto</option>
                    <option value="enable">enable</option>
                    <option value="disable">disable</option>
                  </select>
                </label>
                <label className="text-xs font-medium text-slate-600">
                  Rate limit (Mbit/s)
                  <input aria-label={`Rule ${i + 1} rate limit`} className={`${small} mt-0.5 block w-24`} value={rule.maxTxRate} placeholder="leave" onChange={(e) => setRule(i, { maxTxRate: e.target.value })} />
                </label>
                <label className="flex items-center gap-1.5 self-end pb-1 text-xs font-medium text-slate-600" title="Each free VF its own MAC from the fleet's ledger: locally administered, unique in the fleet, kept across reboots">
                  <input type="checkbox" aria-label={`Rule ${i + 1} stable MACs`} checked={rule.stableMacs} onChange={(e) => setRule(i, { stableMacs: e.target.checked })} />
                  Stable MACs
                </label>
                <Button size="sm" onClick={() => set('nics', fields.nics.filter((_, j) => j !== i))}>
                  Remove rule
                </Button>
              </div>
            </fieldset>
          ))}
          <Button size="sm" onClick={() => set('nics', [...fields.nics, EMPTY_NIC_RULE])}>
            Add NIC rule
          </Button>
        </div>
      </Card>

      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-0.5" checked={fields.autoRemediate} onChange={(e) => set('autoRemediate', e.target.checked)} />
        <span>
          Remediate automatically what needs no reboot and takes no VF from a VM (VF settings and stable MACs; VF counts on PFs without assigned VFs).
          <span className="block text-xs text-slate-500">Off: nothing changes on a host until someone applies a plan.</span>
        </span>
      </label>

      <details className="rounded-lg border border-slate-200 bg-white">
        <summary className="cursor-pointer px-4 py-2.5 text-sm font-semibold text-slate-800">The policy as JSON (read-only)</summary>
        <pre aria-label="Policy JSON" className="overflow-x-auto border-t border-slate-100 px-4 py-3 text-xs">{JSON.stringify(document, null, 2)}</pre>
      </details>

      {issues.length > 0 && (
        <ErrorNote>
          Not saved:
          {issues.map((i) => (
            <span key={i} className="block">
              {i}
            </span>
          ))}
        </ErrorNote>
      )}
      {save.error && <ErrorNote>Not saved: {save.error.message}</ErrorNote>}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : existing ? `Save version ${existing.version + 1}` : 'Create policy'}
        </Button>
        <Button onClick={() => router.back()}>Cancel</Button>
      </div>
    </form>
  );
}
