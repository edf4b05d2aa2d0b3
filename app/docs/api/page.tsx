import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/current-user';
import { OPERATIONS, openApiDocument, type Operation } from '@/lib/openapi/operations';
import { Card } from '@/components/ui/card';

export const metadata: Metadata = { title: 'API' };

const METHOD_STYLE: Record<string, string> = {
  get: 'bg-sky-100 text-sky-900',
  post: 'bg-emerald-100 text-emerald-900',
  put: 'bg-amber-100 text-amber-900',
  patch: 'bg-amber-100 text-amber-900',
  delete: 'bg-rose-100 text-rose-900',
};

/** The API for people: every operation of /api/openapi.json, grouped by what it works on. */
export default async function ApiDocsPage() {
  await requireUser('/docs/api');
  const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters: { name: string; in: string }[] }>> };
  const groups = new Map<string, Operation[]>();
  for (const o of OPERATIONS) {
    const group = o.path.split('/')[2] ?? '';
    groups.set(group, [...(groups.get(group) ?? []), o]);
  }

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API</h1>
        <p className="text-sm text-slate-600">
          Every endpoint, with the same session or an API token (<code>Authorization: Bearer sfm_…</code>). Changes to hosts answer 202 with an operation to follow at <code>/api/operations/{'{id}'}</code>. Errors answer <code>{'{ error: { code, message, issues? } }'}</code>. The machine-readable document is{' '}
          <a href="/api/openapi.json" className="text-sky-800 hover:underline">/api/openapi.json</a> (OpenAPI 3.1).
        </p>
      </div>
      {[...groups].map(([group, operations]) => (
        <Card key={group} title={group}>
          <ul className="divide-y divide-slate-100">
            {operations.map((o) => {
              const described = doc.paths[o.path]![o.method]!;
              const query = described.parameters.filter((p) => p.in === 'query').map((p) => p.name);
              return (
                <li key={`${o.method} ${o.path}`} id={`${o.method}-${o.path}`} className="py-2 text-sm">
                  <div className="flex flex-wrap items-baseline gap-2">
                    <span className={`w-16 rounded px-1.5 py-0.5 text-center font-mono text-xs font-semibold uppercase ${METHOD_STYLE[o.method]}`}>{o.method}</span>
                    <code className="font-mono text-slate-900">{o.path}</code>
                    {o.public && <span className="text-xs text-slate-500">no sign-in</span>}
                  </div>
                  <p className="mt-1 text-slate-700">{o.summary}</p>
                  <p className="mt-0.5 text-xs text-slate-500">
                    {query.length > 0 && <>Query: {query.join(', ')}. </>}
                    {o.body && <>JSON body. </>}
                    Answers {Object.keys(described.responses).join(', ')}.
                  </p>
                </li>
              );
            })}
          </ul>
        </Card>
      ))}
    </div>
  );
}
