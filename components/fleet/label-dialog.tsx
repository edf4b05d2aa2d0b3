'use client';

import { useState } from 'react';
import { useBulkLabels } from '@/hooks/use-fleet';
import { parseLabelFilter } from '@/lib/inventory/fleet';
import { Button, ErrorNote } from '@/components/ui/button';
import { Dialog, DialogBody, DialogFooter, DialogForm } from '@/components/ui/dialog';

const input = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-normal shadow-xs';

/** Sets and removes labels on the hosts selected in the fleet table. */
export function LabelDialog({ hosts, open, onClose, onDone }: { hosts: { id: string; name: string }[]; open: boolean; onClose: () => void; onDone: () => void }) {
  const [set, setSet] = useState('');
  const [remove, setRemove] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const labels = useBulkLabels();
  const submit = () => {
    const parsed = parseLabelFilter(set);
    if (!parsed.ok) return setProblem(`Labels to set: ${parsed.message}`);
    const pairs = Object.entries(parsed.labels);
    const bare = pairs.find(([, v]) => v === '*');
    if (bare) return setProblem(`Labels to set: give ${bare[0]} a value (${bare[0]}=…)`);
    const keys = remove.split(/[\s,]+/).filter(Boolean);
    if (pairs.length === 0 && keys.length === 0) return setProblem('Give labels to set, keys to remove, or both.');
    setProblem(null);
    labels.mutate(
      { hostIds: hosts.map((h) => h.id), ...(pairs.length ? { set: parsed.labels } : {}), ...(keys.length ? { remove: keys } : {}) },
      { onSuccess: () => (onDone(), onClose(), setSet(''), setRemove('')) },
    );
  };
  return (
    <Dialog open={open} onClose={onClose} title={`Label ${hosts.length} ${hosts.length === 1 ? 'host' : 'hosts'}`}>
      <DialogForm onSubmit={(e) => (e.preventDefault(), submit())} label="Labels">
        <DialogBody>
          <p className="text-slate-600">
            {hosts.slice(0, 12).map((h) => h.name).join(', ')}
            {hosts.length > 12 && ` and ${hosts.length - 12} more`}. Labels change no host; policies that select by them see these hosts at once.
          </p>
          <label className="block text-sm font-medium text-slate-700">
            Set
            <input data-autofocus="" className={input} value={set} onChange={(e) => setSet(e.target.value)} placeholder="role=kvm, rack=a12" autoComplete="off" aria-describedby="label-set-hint" />
          </label>
          <p id="label-set-hint" className="-mt-2 text-xs text-slate-500">
            key=value, separated by commas; a key the host already has takes the new value.
          </p>
          <label className="block text-sm font-medium text-slate-700">
            Remove
            <input className={input} value={remove} onChange={(e) => setRemove(e.target.value)} placeholder="maintenance" autoComplete="off" />
          </label>
          {problem && <ErrorNote>{problem}</ErrorNote>}
          {labels.error && <ErrorNote>Not labelled: {labels.error.message}</ErrorNote>}
        </DialogBody>
        <DialogFooter>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={labels.isPending}>
            {labels.isPending ? 'Labelling…' : 'Apply labels'}
          </Button>
        </DialogFooter>
      </DialogForm>
    </Dialog>
  );
}
