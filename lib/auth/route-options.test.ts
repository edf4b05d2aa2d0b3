// The guard refuses a body or a query on routes that do not declare they read one. A route that
// reads one without declaring it refuses every good request: a merge or a new route can do that
// silently, so each route file is checked against what it reads.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(path);
    return entry.name === 'route.ts' ? [path] : [];
  });
}

const routes = routeFiles('app/api').map((path) => ({ path, source: readFileSync(path, 'utf8') }));

describe('route options match what each route reads', () => {
  it('finds the routes', () => expect(routes.length).toBeGreaterThan(30));

  it.each(routes.filter((r) => /parseJsonBody|request\.json\(\)/.test(r.source)).map((r) => [r.path, r.source]))('%s reads a body and declares body: true', (_path, source) => {
    expect(source).toMatch(/body: true/);
  });

  it.each(routes.filter((r) => /searchParams|queryInt\(/.test(r.source)).map((r) => [r.path, r.source]))('%s reads its query and declares query: true', (_path, source) => {
    expect(source).toMatch(/query: true/);
  });
});
