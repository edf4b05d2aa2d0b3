/** A bar of a rollout's hosts: done, failed and skipped in their colours, the rest still to go; the words say the same. */
export function ProgressBar({ label, hosts, done, failed, skipped }: { label: string; hosts: number; done: number; failed: number; skipped: number }) {
  const part = (n: number) => `${hosts ? (n / hosts) * 100 : 0}%`;
  const finished = done + failed + skipped;
  return (
    <div>
      <div className="flex justify-between text-xs text-slate-600">
        <span className="font-medium text-slate-800">{label}</span>
        <span>
          {finished} of {hosts} finished · {done} done{failed ? ` · ${failed} failed` : ''}{skipped ? ` · ${skipped} skipped` : ''}
        </span>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={hosts} aria-valuenow={finished} className="mt-1 flex h-2.5 overflow-hidden rounded-full bg-slate-200">
        <div className="bg-emerald-500" style={{ width: part(done) }} />
        <div className="bg-rose-500" style={{ width: part(failed) }} />
        <div className="bg-amber-400" style={{ width: part(skipped) }} />
      </div>
    </div>
  );
}
