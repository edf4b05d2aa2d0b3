// The agent's Prometheus metrics (GET /v1/metrics), written out in the text format by hand
// (https://prometheus.io/docs/instrumenting/exposition_formats/, version 0.0.4): a handful of
// counters, one histogram and per-PF gauges need no library, and the agent keeps within 60 MB.

import type { Inventory } from './api-types';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Seconds; a simulated inventory takes 5-9 ms, a real host's tens (agent/README.md, Footprint). */
const INVENTORY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface AgentFacts {
  version: string;
  simulated: boolean;
}

/** What the server process counts between scrapes. */
export class AgentMetrics {
  private readonly requests = new Map<string, { method: string; route: string; status: number; count: number }>();
  private readonly inventoryBuckets: number[] = INVENTORY_BUCKETS.map(() => 0);
  private inventoryCount = 0;
  private inventorySum = 0;

  /** `route` is the route's pattern (`/v1/pfs/:pf`), never the path asked for: the series stay few. */
  countRequest(method: string, route: string, status: number): void {
    const key = `${method} ${route} ${status}`;
    const entry = this.requests.get(key);
    if (entry) entry.count++;
    else this.requests.set(key, { method, route, status, count: 1 });
  }

  observeInventoryRead(seconds: number): void {
    this.inventoryCount++;
    this.inventorySum += seconds;
    INVENTORY_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.inventoryBuckets[i]!++;
    });
  }

  /** The exposition: the counters so far, and the PFs as this inventory found them. */
  render(inventory: Inventory, facts: AgentFacts): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    const sample = (name: string, labels: Record<string, string | number>, value: number) => out.push(`${name}${labelSet(labels)} ${formatValue(value)}`);

    family('sriov_agent_info', 'gauge', 'The agent: its version and whether the host is simulated; always 1');
    sample('sriov_agent_info', { version: facts.version, simulated: String(facts.simulated) }, 1);

    family('sriov_agent_http_requests_total', 'counter', 'API requests answered, by method, route pattern and status');
    for (const r of this.requests.values()) sample('sriov_agent_http_requests_total', { method: r.method, route: r.route, status: r.status }, r.count);

    family('sriov_agent_inventory_read_seconds', 'histogram', 'How long reading the inventory (sysfs, ip, libvirt) takes');
    INVENTORY_BUCKETS.forEach((le, i) => sample('sriov_agent_inventory_read_seconds_bucket', { le: String(le) }, this.inventoryBuckets[i]!));
    sample('sriov_agent_inventory_read_seconds_bucket', { le: '+Inf' }, this.inventoryCount);
    sample('sriov_agent_inventory_read_seconds_sum', {}, this.inventorySum);
    sample('sriov_agent_inventory_read_seconds_count', {}, this.inventoryCount);

    const pfLabels = (pf: Inventory['pfs'][number]) => ({ pf: pf.address, netdev: pf.netdev ?? '' });
    family('sriov_agent_pf_vfs_enabled', 'gauge', 'VFs enabled on the PF (sriov_numvfs)');
    for (const pf of inventory.pfs) sample('sriov_agent_pf_vfs_enabled', pfLabels(pf), pf.numVfs);
    family('sriov_agent_pf_vfs_capacity', 'gauge', 'VFs the PF can enable (sriov_totalvfs)');
    for (const pf of inventory.pfs) sample('sriov_agent_pf_vfs_capacity', pfLabels(pf), pf.totalVfs);
    family('sriov_agent_pf_vfs_assigned', 'gauge', 'VFs of the PF a libvirt domain holds');
    for (const pf of inventory.pfs) sample('sriov_agent_pf_vfs_assigned', pfLabels(pf), pf.vfs.filter((vf) => vf.vm !== null).length);

    family('process_resident_memory_bytes', 'gauge', 'Resident memory of the agent process');
    sample('process_resident_memory_bytes', {}, process.memoryUsage.rss());
    family('process_start_time_seconds', 'gauge', 'When the agent process started (Unix time)');
    sample('process_start_time_seconds', {}, Math.round((Date.now() - process.uptime() * 1000) / 1000));
    return `${out.join('\n')}\n`;
  }
}

function labelSet(labels: Record<string, string | number>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(String(v))}"`).join(',')}}`;
}

/** Backslash, double quote and line feed are the three a label value escapes. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
