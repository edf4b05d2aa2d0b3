'use client';

import { useState } from 'react';
import { useImportPolicies, type ImportResult } from '@/hooks/use-policies';
import { Button, ErrorNote } from '@/components/ui/button';
import { Dialog, DialogBody, DialogFooter } from '@/components/ui/dialog';

const value = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** What an import would do, said before it is done: new policies, new versions with their changes, the rest. */
function Preview({ result }: { result: ImportResult }) {
  return (
    <div aria-label="What the import does" role="region" className="space-y-2 text-sm">
      {result.created.length > 0 && (
        <p>
          <span className="font-semibold">New:</span> {result.created.join(', ')}
        </p>
      )}
      {result.updated.map((u) => (
        <div key={u.name}>
          <p>
            <span className="font-semibold">New version of {u.name}:</span>
          </p>
          <ul className="ml-4 list-disc text-slate-700">
            {u.changes.map((c) => (
              <li key={c.path}>
                <span className="font-mono text-xs">{c.path}</span>: {value(c.from)} → <span className="font-medium text-slate-900">{value(c.to)}</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
      {result.unchanged.length > 0 && (
        <p className="text-slate-600">
          <span className="font-semibold">Unchanged:</span> {result.unchanged.join(', ')}
        </p>
      )}
      {result.created.length === 0 && result.updated.length === 0 && <p className="text-slate-600">Every policy in the file is as it is here: importing changes nothing.</p>}
    </div>
  );
}

/** Import policies from a file made by Export as JSON (and kept in git): checked and previewed first. */
export function ImportPolicies() {
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<{ name: string; json: Record<string, unknown> } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const preview = useImportPolicies();
  const apply = useImportPolicies();
  const close = () => (setOpen(false), setFile(null), setProblem(null), preview.reset(), apply.reset());

  const choose = async (chosen: File | undefined) => {
    setFile(null);
    preview.reset();
    if (!chosen) return;
    let json: unknown;
    try {
      json = JSON.parse(await chosen.text());
    } catch (error) {
      return setProblem(`${chosen.name} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) return setProblem(`${chosen.name} is not a policy export (an object with format and policies).`);
    setProblem(null);
    setFile({ name: chosen.name, json: json as Record<string, unknown> });
    preview.mutate({ file: json as Record<string, unknown>, dryRun: true });
  };

  const changes = preview.data && preview.data.created.length + preview.data.updated.length > 0;
  return (
    <>
      <Button onClick={() => setOpen(true)}>Import JSON…</Button>
      <Dialog open={open} onClose={close} title="Import policies">
        <DialogBody>
          <p className="text-slate-600">A file made by Export as JSON. Nothing changes until you confirm; a file with any invalid policy imports none of them.</p>
          <label className="block text-sm font-medium text-slate-700">
            Policy file
            <input type="file" accept="application/json,.json" className="mt-1 block w-full text-sm" onChange={(e) => void choose(e.target.files?.[0])} />
          </label>
          {problem && <ErrorNote>{problem}</ErrorNote>}
          {preview.isPending && <p className="text-sm text-slate-600">Checking {file?.name}…</p>}
          {preview.error && <ErrorNote>Not importable: {preview.error.message}</ErrorNote>}
          {preview.data && <Preview result={preview.data} />}
          {apply.error && <ErrorNote>Not imported: {apply.error.message}</ErrorNote>}
        </DialogBody>
        <DialogFooter>
          <Button onClick={close}>Cancel</Button>
          <Button variant="primary" disabled={!changes || !file || apply.isPending} onClick={() => file && apply.mutate({ file: file.json, dryRun: false }, { onSuccess: close })}>
            {apply.isPending ? 'Importing…' : 'Import'}
          </Button>
        </DialogFooter>
      </Dialog>
    </>
  );
}
