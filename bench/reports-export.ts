// Benchmark: the inventory and allocation reports on large generated fleets (issue 6).
//   npx tsx bench/reports-export.ts [hosts ...] [inventory|allocation|capacity ...]
//   default: 250 1000 2000, both reports
// Each fleet is H hosts x 4 PFs x 64 VFs (a quarter of the VFs assigned to 8 VMs per host), in
// a throwaway SQLite migrated with the real migrations. Generating happens in this process; every
// measurement runs in a fresh child process, so none of them carries the generator's memory:
//   - the CSV export through streamReport() (what /api/reports/<report>?format=csv runs), read to
//     the end like an HTTP client would. Peak RSS is the child's maxRSS: Node, tsx, Prisma and
//     the export. "RSS before" is the child's RSS once its modules are loaded and the database
//     opened, before the export starts; the export's own share is the difference.
//   - the same export with --expose-gc, forcing a full collection every 64 chunks and recording
//     the largest heap still in use after one: the memory the export holds, which must stay flat.
//   - the report page's work, reportView() (what /reports/<report> and /api/reports/<report>/view
//     run): its figures for all rows and the first 1,000 rows.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const root = path.resolve(import.meta.dirname, '..');
const PFS = 4;
const VFS = 64;
const VMS = 8;

function migratedTemplate(dir: string): string {
  const file = path.join(dir, 'template.db');
  execFileSync(path.join(root, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], { cwd: root, env: { ...process.env, DATABASE_URL: `file:${file}` }, stdio: 'pipe' });
  return file;
}

/** Bulk inserts straight into SQLite: generating is not what is measured. */
function generateFleet(file: string, hosts: number) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = new Date().toISOString().replace('Z', '+00:00');
  const host = db.prepare(
    `INSERT INTO Host (id, name, model, generation, serialNumber, cpuVendor, numaNodes, kernelCmdline, iommuActive, kvmLoaded, vfioPciLoaded, agentUrl, agentStatus, lastSeenAt, observedAt, updatedAt)
     VALUES (?, ?, 'ProLiant DL380 Gen10 Plus', 'Gen10 Plus', ?, 'Intel', 2, 'intel_iommu=on iommu=pt', 1, 1, 1, ?, 'online', ?, ?, ?)`,
  );
  const bios = db.prepare(`INSERT INTO BiosSetting (id, hostId, name, current, pending) VALUES (?, ?, ?, 'Enabled', 'Enabled')`);
  const biosRead = db.prepare(`INSERT INTO BiosRead (id, hostId, readAt) VALUES (?, ?, ?)`);
  const pf = db.prepare(
    `INSERT INTO PhysicalFunction (id, hostId, pciAddress, vendorId, deviceId, modelName, driver, netdev, numaNode, slot, totalVfs, currentVfs, vfDriver, vfDriverAvailable, updatedAt)
     VALUES (?, ?, ?, '8086', '1572', 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter', 'i40e', ?, ?, ?, 64, 64, 'iavf', 1, ?)`,
  );
  const vm = db.prepare(`INSERT INTO VirtualMachine (id, hostId, name, uuid, state, numaNode, vcpus, memoryMiB, updatedAt) VALUES (?, ?, ?, ?, 'running', ?, 8, 16384, ?)`);
  const vf = db.prepare(
    `INSERT INTO VirtualFunction (id, hostId, pfId, "index", pciAddress, driver, mac, vlan, qos, trust, spoofchk, linkState, maxTxRateMbps, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 1, 'auto', 0, ?)`,
  );
  const assignment = db.prepare(`INSERT INTO Assignment (id, vfId, vmId, hostId, mac, vlan, assignedBy, assignedAt) VALUES (?, ?, ?, ?, ?, ?, 'bench', ?)`);
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

  db.transaction(() => {
    for (let h = 0; h < hosts; h++) {
      const hostId = `host_${h}`;
      host.run(hostId, `kvm-${hex(h, 5)}`, `CZB${hex(h, 7)}`, `https://kvm-${h}:8443`, now, now, now);
      for (const name of ['Sriov', 'IntelProcVtd', 'ProcVirtualization']) bios.run(`bios_${h}_${name}`, hostId, name);
      biosRead.run(`biosread_${h}`, hostId, now);
      for (let m = 0; m < VMS; m++) vm.run(`vm_${h}_${m}`, hostId, `vm-${h}-${m}`, `00000000-0000-4000-a000-${hex(h * VMS + m, 12)}`, m < VMS / 2 ? 0 : 1, now);
      for (let p = 0; p < PFS; p++) {
        const pfId = `pf_${h}_${p}`;
        const bus = 0x12 + p * 0x20;
        pf.run(pfId, hostId, `0000:${hex(bus, 2)}:00.0`, `ens${p + 1}f0`, p < 2 ? 0 : 1, `NIC.Slot.${p + 1}.1`, now);
        for (let i = 0; i < VFS; i++) {
          const vfId = `vf_${h}_${p}_${i}`;
          const assigned = i % 4 === 0;
          const mac = assigned ? `52:54:${hex(h >> 8, 2)}:${hex(h & 0xff, 2)}:${hex(p, 2)}:${hex(i, 2)}` : null;
          const vlan = assigned ? 100 + i : null;
          vf.run(vfId, hostId, pfId, i, `0000:${hex(bus + 1 + (i >> 5), 2)}:${hex((i >> 3) & 3, 2)}.${i & 7}`, assigned ? 'vfio-pci' : 'iavf', mac, vlan, now);
          if (assigned) assignment.run(`as_${h}_${p}_${i}`, vfId, `vm_${h}_${(p * VFS + i) % VMS}`, hostId, mac, vlan, now);
        }
      }
    }
  })();
  db.close();
}

interface ExportFigures {
  rows: number;
  megabytes: number;
  seconds: number;
  peakRssMb: number;
  baselineRssMb: number;
  /** Only with --expose-gc: the largest heap in use right after a forced full collection. */
  liveHeapMb: number | null;
}

interface ViewFigures {
  seconds: number;
  rowCount: number;
  shownRows: number;
  peakRssMb: number;
}

const BENCH_REPORTS = ['inventory', 'allocation', 'capacity'] as const;
type BenchReport = (typeof BENCH_REPORTS)[number];

async function openReport(file: string, report: BenchReport) {
  const { createPrismaClient } = await import('@/lib/db/client');
  const { REPORTS } = await import('@/lib/reports/catalog');
  const service = await import('@/lib/reports/service');
  const prisma = createPrismaClient(`file:${file}`);
  await prisma.host.count(); // connect before measuring
  return { prisma, service, query: REPORTS[report].schema.parse({}) as Record<string, unknown> };
}

/** In a child: export the report as CSV and read the stream to the end. */
async function exportOnce(file: string, report: BenchReport): Promise<ExportFigures> {
  const { prisma, service, query } = await openReport(file, report);
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  const { body } = await service.streamReport(prisma, report, query, 'csv');
  const reader = body.getReader();
  const gc = (globalThis as { gc?: () => void }).gc;
  let liveHeapMb: number | null = null;
  let bytes = 0;
  let lines = 0;
  for (let chunk = 1; ; chunk++) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const b of value) if (b === 0x0a) lines++;
    // Every chunk at first, so that a report of few chunks is measured too; then every 64th.
    if (gc && (chunk <= 64 || chunk % 64 === 0)) {
      gc();
      liveHeapMb = Math.max(liveHeapMb ?? 0, process.memoryUsage().heapUsed / 2 ** 20);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await prisma.$disconnect();
  return { rows: lines - 1, megabytes: bytes / 2 ** 20, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb, liveHeapMb };
}

/** In a child: what the report page asks for. */
async function viewOnce(file: string, report: BenchReport): Promise<ViewFigures> {
  const { prisma, service, query } = await openReport(file, report);
  const started = performance.now();
  const view = await service.reportView(prisma, report, query);
  const seconds = (performance.now() - started) / 1000;
  await prisma.$disconnect();
  return { seconds, rowCount: view.rowCount, shownRows: view.rows.length, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function child<T>(mode: '--export' | '--view', file: string, report: BenchReport, nodeFlags: string[] = []): T {
  const run = spawnSync(process.execPath, [...nodeFlags, ...process.execArgv, import.meta.filename, mode, file, report], { cwd: root, encoding: 'utf8', env: process.env });
  if (run.status !== 0) throw new Error(`${mode} ${report} of ${file} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as T;
}

const columns: [header: string, width: number][] = [
  ['report', 12],
  ['hosts', 7],
  ['rows', 9],
  ['CSV MB', 8],
  ['export s', 10],
  ['rows/s', 9],
  ['peak RSS MB', 13],
  ['RSS before', 12],
  ['export share', 14],
  ['live heap MB', 14],
  ['page s', 8],
  ['page peak RSS MB', 18],
];

function line(cells: (string | number)[]): string {
  return cells.map((c, i) => String(c).padEnd(columns[i]![1])).join('');
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--export' || args[0] === '--view') {
    const report = args[2] as BenchReport;
    console.log(JSON.stringify(args[0] === '--export' ? await exportOnce(args[1]!, report) : await viewOnce(args[1]!, report)));
    return;
  }
  const isReport = (a: string): a is BenchReport => (BENCH_REPORTS as readonly string[]).includes(a);
  const named = args.filter(isReport);
  const reports = named.length > 0 ? named : [...BENCH_REPORTS];
  const numbers = args.filter((a) => !isReport(a)).map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`usage: reports-export.ts [hosts ...] [${BENCH_REPORTS.join('|')} ...]`);
  const sizes = numbers.length > 0 ? numbers : [250, 1000, 2000];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-reports-bench-'));
  try {
    const template = migratedTemplate(dir);
    console.log(`${reports.join(' and ')} reports, ${PFS} PFs x ${VFS} VFs a host (Node ${process.version}, ${os.cpus().length} CPUs, default V8 settings)\n`);
    console.log(line(columns.map(([header]) => header)));
    for (const hosts of sizes) {
      const file = path.join(dir, `fleet-${hosts}.db`);
      fs.copyFileSync(template, file);
      const generating = performance.now();
      generateFleet(file, hosts);
      const generated = ((performance.now() - generating) / 1000).toFixed(1);
      for (const report of reports) {
        const f = child<ExportFigures>('--export', file, report);
        const live = child<ExportFigures>('--export', file, report, ['--expose-gc']);
        const view = child<ViewFigures>('--view', file, report);
        if (view.rowCount !== f.rows) throw new Error(`the ${report} page counts ${view.rowCount} rows, the export wrote ${f.rows}`);
        console.log(
          line([
            report,
            hosts,
            f.rows,
            f.megabytes.toFixed(1),
            f.seconds.toFixed(1),
            Math.round(f.rows / f.seconds),
            f.peakRssMb.toFixed(0),
            f.baselineRssMb.toFixed(0),
            `+${(f.peakRssMb - f.baselineRssMb).toFixed(0)}`,
            live.liveHeapMb?.toFixed(0) ?? '–',
            view.seconds.toFixed(1),
            `${view.peakRssMb.toFixed(0)}   [fleet generated in ${generated} s]`,
          ]),
        );
      }
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
