// Benchmark: the inventory report's CSV export on large generated fleets (issue 6).
//   npx tsx bench/reports-export.ts [hosts ...]      default: 250 1000 2000
// Each fleet is H hosts x 4 PFs x 64 VFs (a quarter of the VFs assigned to 8 VMs per host), in
// a throwaway SQLite migrated with the real migrations. The export runs in a fresh child process
// per fleet, through streamReport() — the code the /api/reports/inventory?format=csv handler
// runs — and the stream is read to the end like an HTTP client would. Peak RSS is the child's
// maxRSS, so each figure covers Node, tsx, Prisma and the export, nothing else.
//
// Peak RSS mostly measures how far V8 lets garbage pile up before a full collection (it grows
// old space to ~130 MB here whatever the fleet size). A second child, run with --expose-gc,
// forces a full collection every 64 chunks and records the largest heap still in use after one:
// the memory the export actually holds, which is what must stay flat as the fleet grows. A third
// child caps old space at 64 MB (--max-old-space-size=64) to show the export runs within it and
// what peak RSS is when V8 is not allowed to let garbage pile up.

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

interface Figures {
  hosts: number;
  rows: number;
  megabytes: number;
  seconds: number;
  peakRssMb: number;
  baselineRssMb: number;
  /** Only with --expose-gc: the largest heap in use right after a forced full collection. */
  liveHeapMb: number | null;
}

/** In the child: export the inventory as CSV and read the stream to the end. */
async function exportOnce(file: string, hosts: number): Promise<Figures> {
  const { createPrismaClient } = await import('@/lib/db/client');
  const { REPORTS } = await import('@/lib/reports/catalog');
  const { streamReport } = await import('@/lib/reports/service');
  const prisma = createPrismaClient(`file:${file}`);
  await prisma.host.count(); // connect before measuring
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  const { body } = await streamReport(prisma, 'inventory', REPORTS.inventory.schema.parse({}) as Record<string, unknown>, 'csv');
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
    if (gc && chunk % 64 === 0) {
      gc();
      liveHeapMb = Math.max(liveHeapMb ?? 0, process.memoryUsage().heapUsed / 2 ** 20);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await prisma.$disconnect();
  return { hosts, rows: lines - 1, megabytes: bytes / 2 ** 20, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb, liveHeapMb };
}

function runExport(file: string, hosts: number, nodeFlags: string[]): Figures {
  const child = spawnSync(process.execPath, [...nodeFlags, ...process.execArgv, import.meta.filename, '--export', file, String(hosts)], { cwd: root, encoding: 'utf8', env: process.env });
  if (child.status !== 0) throw new Error(`export of ${hosts} hosts failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Figures;
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--export') {
    console.log(JSON.stringify(await exportOnce(args[1]!, Number(args[2]))));
    return;
  }
  const sizes = args.length > 0 ? args.map(Number) : [250, 1000, 2000];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-reports-bench-'));
  try {
    const template = migratedTemplate(dir);
    console.log(`Inventory CSV export, ${PFS} PFs x ${VFS} VFs a host (Node ${process.version}, ${os.cpus().length} CPUs)\n`);
    console.log('hosts   rows      CSV MB   seconds  rows/s    peak RSS MB  (RSS before export)  live heap MB  peak RSS MB, 64 MB old space (seconds)');
    for (const hosts of sizes) {
      const file = path.join(dir, `fleet-${hosts}.db`);
      fs.copyFileSync(template, file);
      const generating = performance.now();
      generateFleet(file, hosts);
      const generated = ((performance.now() - generating) / 1000).toFixed(1);
      const f = runExport(file, hosts, []);
      const live = runExport(file, hosts, ['--expose-gc']);
      const capped = runExport(file, hosts, ['--max-old-space-size=64']);
      console.log(
        `${String(f.hosts).padEnd(8)}${String(f.rows).padEnd(10)}${f.megabytes.toFixed(1).padEnd(9)}${f.seconds.toFixed(1).padEnd(9)}${String(Math.round(f.rows / f.seconds)).padEnd(10)}${f.peakRssMb.toFixed(0).padEnd(13)}${`(${f.baselineRssMb.toFixed(0)})`.padEnd(21)}${(live.liveHeapMb?.toFixed(0) ?? '–').padEnd(14)}${capped.peakRssMb.toFixed(0)} (${capped.seconds.toFixed(1)} s)   [fleet generated in ${generated} s]`,
      );
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}-wal`, { force: true });
      fs.rmSync(`${file}-shm`, { force: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
