// What changed between two versions of a policy, field by field ("nics.0.numVfs: 8 → 16"): what
// the version history shows and what the audit record of an edit keeps. Pure.

export interface DocumentChange {
  path: string;
  from: unknown;
  to: unknown;
}

function leaves(value: unknown, path: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.set(path, Array.isArray(value) ? [] : {});
    for (const [key, child] of entries) leaves(child, path ? `${path}.${key}` : key, out);
    return;
  }
  out.set(path, value);
}

export function diffDocuments(before: unknown, after: unknown): DocumentChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  leaves(before, '', a);
  leaves(after, '', b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
  return paths
    .filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p)))
    .map((p) => ({ path: p, from: a.has(p) ? a.get(p) : null, to: b.has(p) ? b.get(p) : null }));
}
