// ops/grafana/sriov-fleet.json: it parses as a dashboard, and every metric its queries name is
// one the server's registry or the agent's exposition really has (read from them, not listed
// here), and every metric of ours has a panel.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentMetrics } from '@/agent/src/metrics';
import type { Inventory } from '@/agent/src/api-types';
import { parseExposition, seriesNames } from '@/lib/testing/prometheus-text';
import { serverMetrics } from './registry';

const DASHBOARD = path.resolve(import.meta.dirname, '..', '..', 'ops', 'grafana', 'sriov-fleet.json');

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or Grafana variables. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\{?\w+\}?/g, '');
  const names: string[] = [];
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return names;
}

/** Brackets, braces and parentheses close in order, outside strings: a query Prometheus can parse at least gets that far. */
function balanced(expr: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const c of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('([{'.includes(c)) open.push(c);
    else if (c in pairs && open.pop() !== pairs[c]) return false;
  }
  return open.length === 0;
}

function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

async function knownSeries(): Promise<Set<string>> {
  const server = parseExposition(await serverMetrics().registry.metrics());
  const inventory: Inventory = { agentVersion: '0', collectedAt: '', durationMs: 0, host: {} as Inventory['host'], warnings: [], pfs: [] };
  const agent = parseExposition(new AgentMetrics().render(inventory, { version: '0', simulated: false }));
  return new Set([...seriesNames(server), ...seriesNames(agent)]);
}

const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const panels = panelsOf(dashboard.panels);
const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));
const variableQueries = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => (typeof v.query === 'string' ? v.query : v.query.query));

describe('the Grafana dashboard', () => {
  it('is a dashboard: a uid, unique panel ids, each on the 24-column grid, queries on the chosen Prometheus', () => {
    expect(dashboard).toMatchObject({ uid: 'sriov-fleet', title: 'SR-IOV Fleet Manager' });
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    expect(targets.length).toBeGreaterThan(15);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'server_job', 'agent_job']);
    for (const t of targets) {
      expect(t.datasource, t.panel).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(balanced(t.expr), `${t.panel}: ${t.expr}`).toBe(true);
    }
  });

  it('names only metrics the server or the agent exposes, and every query names one', async () => {
    const known = await knownSeries();
    const unknown: string[] = [];
    for (const t of targets) {
      const names = metricNames(t.expr);
      expect(names.length, `${t.panel}: ${t.expr}`).toBeGreaterThan(0);
      unknown.push(...names.filter((n) => !known.has(n)).map((n) => `${t.panel}: ${n}`));
    }
    for (const q of variableQueries) {
      const metric = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*\w+\s*\)$/.exec(q)?.[1];
      expect(metric, q).toBeDefined();
      if (!known.has(metric!)) unknown.push(`variable: ${metric}`);
    }
    expect(unknown).toEqual([]);
  });

  it('has a panel for every metric of ours', async () => {
    const ours = [...(await knownSeries())].filter((n) => /^sriov_(fleet|agent)_/.test(n) && !/_(bucket|sum|count)$/.test(n));
    const used = new Set(targets.flatMap((t) => metricNames(t.expr)).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    expect(ours.length).toBeGreaterThan(15);
    expect(ours.filter((n) => !used.has(n))).toEqual([]);
  });
});

describe('the query checks', () => {
  it('finds the metrics in a query and leaves functions, labels, keywords and variables out', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (kind, le) (rate(sriov_fleet_operation_duration_seconds_bucket{job=~"$server_job",outcome="succeeded"}[$__rate_interval])))')).toEqual(['sriov_fleet_operation_duration_seconds_bucket']);
    expect(metricNames('time() - sriov_fleet_sync_last_round_timestamp_seconds{job="a"}')).toEqual(['sriov_fleet_sync_last_round_timestamp_seconds']);
    expect(balanced('sum(rate(a{b="c)"}[5m]))')).toBe(true);
    expect(balanced('sum(rate(a{b="c"}[5m])')).toBe(false);
    expect(metricNames('rate(a_sum[5m]) / on (instance) group_left (x) rate(a_count[5m]) > bool 0 or b')).toEqual(['a_sum', 'a_count', 'b']);
  });
});
