'use client';

// One chart per report, where a picture answers faster than the table: each bar's parts are
// named in the legend and the tooltip, and the table below carries the same figures in words.

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AllocationSummary } from '@/lib/reports/allocation';
import type { CapacitySummary } from '@/lib/reports/capacity';
import type { ReportName } from '@/lib/reports/catalog';
import type { ComplianceSummary } from '@/lib/reports/compliance';
import { historyChartDays, type HistorySummary } from '@/lib/reports/history';
import type { InventorySummary } from '@/lib/reports/inventory';

const COLOURS = {
  assigned: '#0369a1',
  free: '#10b981',
  notEnabled: '#cbd5e1',
  pass: '#10b981',
  fail: '#e11d48',
  pending: '#0ea5e9',
  unknown: '#94a3b8',
  cross: '#d97706',
  queued: '#94a3b8',
  running: '#0ea5e9',
};

interface Series {
  key: string;
  name: string;
  colour: string;
}

function StackedBars({
  data,
  category,
  series,
  caption,
  vertical = false,
  percent = false,
  maxBarSize,
  tickFormatter,
}: {
  data: object[];
  category: string;
  series: Series[];
  caption: string;
  vertical?: boolean;
  percent?: boolean;
  maxBarSize?: number;
  tickFormatter?: (value: string) => string;
}) {
  const height = vertical ? Math.max(160, 60 + data.length * 28) : 280;
  return (
    <figure className="break-inside-avoid">
      <div role="img" aria-label={caption} style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout={vertical ? 'vertical' : 'horizontal'} stackOffset={percent ? 'expand' : 'none'} margin={{ top: 8, right: 16, bottom: vertical ? 8 : 48, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={vertical} horizontal={!vertical} />
            {vertical ? (
              <>
                <XAxis type="number" domain={percent ? [0, 1] : [0, 'dataMax']} tickFormatter={percent ? (v: number) => `${Math.round(v * 100)}%` : undefined} fontSize={12} allowDecimals={false} />
                <YAxis type="category" dataKey={category} width={170} fontSize={12} />
              </>
            ) : (
              <>
                <XAxis dataKey={category} angle={-35} textAnchor="end" interval={0} fontSize={11} height={56} tickFormatter={tickFormatter} />
                <YAxis domain={percent ? [0, 1] : [0, 'dataMax']} tickFormatter={percent ? (v: number) => `${Math.round(v * 100)}%` : undefined} fontSize={12} allowDecimals={false} />
              </>
            )}
            <Tooltip />
            {/* Legend words in text colour: a pale series colour would make its name unreadable. */}
            <Legend verticalAlign="top" height={28} formatter={(value: string) => <span className="text-sm text-slate-700">{value}</span>} />
            {series.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.name} stackId="a" fill={s.colour} isAnimationActive={false} maxBarSize={maxBarSize} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-slate-500">{caption}</figcaption>
    </figure>
  );
}

export function ReportChart({ name, summary }: { name: ReportName; summary: unknown }) {
  switch (name) {
    case 'inventory': {
      const s = summary as InventorySummary;
      if (s.byNicModel.length === 0) return null;
      return (
        <StackedBars
          vertical
          data={s.byNicModel}
          category="nicModel"
          caption="Enabled VFs per NIC model: assigned to a VM, or free."
          series={[
            { key: 'assigned', name: 'Assigned', colour: COLOURS.assigned },
            { key: 'free', name: 'Free', colour: COLOURS.free },
          ]}
        />
      );
    }
    case 'allocation': {
      const s = summary as AllocationSummary;
      if (s.byHost.length === 0) return null;
      return (
        <StackedBars
          vertical
          data={s.byHost}
          category="host"
          caption="Assigned VFs per host, by whether the VF’s NIC is on the VM’s NUMA node."
          series={[
            { key: 'sameNuma', name: 'Same NUMA node', colour: COLOURS.free },
            { key: 'crossNuma', name: 'Cross-NUMA', colour: COLOURS.cross },
            { key: 'unknown', name: 'Unknown node', colour: COLOURS.unknown },
          ]}
        />
      );
    }
    case 'capacity': {
      const s = summary as CapacitySummary;
      if (s.chart.length === 0) return null;
      return (
        <StackedBars
          vertical
          percent
          data={s.chart}
          category="group"
          caption={`Share of the VFs each group’s hardware allows that are assigned, free or not enabled; busiest first${s.chart.length < s.chartable ? ` (the ${s.chart.length} busiest of ${s.chartable})` : ''}. Groups without SR-IOV are in the table only.`}
          series={[
            { key: 'assigned', name: 'Assigned', colour: COLOURS.assigned },
            { key: 'free', name: 'Enabled, free', colour: COLOURS.free },
            { key: 'notEnabled', name: 'Not enabled', colour: COLOURS.notEnabled },
          ]}
        />
      );
    }
    case 'compliance': {
      const s = summary as ComplianceSummary;
      if (s.hosts === 0) return null;
      return (
        <StackedBars
          vertical
          data={s.byCheck}
          category="label"
          caption="Hosts passing or failing each check of the baseline, with the value it asks staged for the next reboot, or not yet reported."
          series={[
            { key: 'pass', name: 'Pass', colour: COLOURS.pass },
            { key: 'fail', name: 'Fail', colour: COLOURS.fail },
            { key: 'pending', name: 'Pending reboot', colour: COLOURS.pending },
            { key: 'unknown', name: 'Unknown', colour: COLOURS.unknown },
          ]}
        />
      );
    }
    case 'history': {
      const s = summary as HistorySummary;
      if (s.operations === 0) return null;
      return (
        <StackedBars
          data={historyChartDays(s.byDay)}
          category="day"
          maxBarSize={36}
          tickFormatter={(day) => day.slice(5)}
          caption="Operations requested per day (UTC), by outcome; at least the 14 days up to the last one with an operation."
          series={[
            { key: 'succeeded', name: 'Succeeded', colour: COLOURS.pass },
            { key: 'failed', name: 'Failed', colour: COLOURS.fail },
            { key: 'running', name: 'Running', colour: COLOURS.running },
            { key: 'queued', name: 'Queued', colour: COLOURS.queued },
          ]}
        />
      );
    }
    case 'mac-duplicates':
      // A handful of rows at most: the table says it all (the page shows no chart for it).
      return null;
  }
}
