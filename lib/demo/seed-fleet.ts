// Writes the demo fleet (demo-fleet.ts) into the inventory, replacing whatever was there.
// Deterministic: the same ids, names and values on every run; only the timestamps follow `now`.

import { createHash } from 'node:crypto';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { encryptSecret } from '@/lib/crypto/secrets';
import { NIC_MODELS } from '@/lib/inventory/nic-catalog';
import { refreshFleetFacts } from '@/lib/inventory/fleet-facts';
import { DEMO_HOSTS, NON_SRIOV_NIC, demoMac, iloGenerationFor, netdevName, nicPorts, pciAddress, stableId, vfAddress, type DemoHost, type DemoNic } from './demo-fleet';

const SUBSYSTEM_IDS: Record<string, [string, string]> = {
  '560SFP+': ['103c', '17d3'],
  '562SFP+': ['1590', '00f8'],
  '631SFP28': ['1590', '020e'],
  '640SFP28': ['1590', '00d4'],
  E810: ['1590', '02d4'],
  '366FLR': ['103c', '8157'],
  BCM5719: ['103c', '22be'],
};

function uuidFor(label: string): string {
  const h = createHash('sha256').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function iommuActive(host: DemoHost): boolean {
  const biosIommu = host.cpuVendor === 'AMD' ? host.bios.ProcAmdIoVt : host.bios.IntelProcVtd;
  const cmdlineIommu = /\b(intel|amd)_iommu=on\b/.test(host.cmdline ?? '');
  return biosIommu === 'Enabled' && cmdlineIommu;
}

function kernelRelease(host: DemoHost): string {
  return host.generation === 'Gen9' ? '4.18.0-553.el8_10.x86_64' : '5.14.0-427.13.1.el9_4.x86_64';
}

interface PfPlan {
  id: string;
  nic: DemoNic;
  port: number;
  address: string;
  netdev: string | null;
  vfs: { id: string; index: number; address: string }[];
}

function planPorts(host: DemoHost): PfPlan[] {
  return host.nics.flatMap((nic) =>
    Array.from({ length: nicPorts(nic) }, (_, port) => {
      const address = pciAddress(parseInt(nic.bus, 16), port);
      const bound = nic.unboundPort !== port;
      const numVfs = bound && !nic.firmwareSriovOff && nic.model !== 'BCM5719' ? nic.vfsPerPort : 0;
      return {
        id: stableId('pf', `${host.name}/${address}`),
        nic,
        port,
        address,
        netdev: bound ? netdevName(nic, port) : null,
        vfs: Array.from({ length: numVfs }, (_, index) => ({
          id: stableId('vf', `${host.name}/${address}/${index}`),
          index,
          address: vfAddress(nic, port, index),
        })),
      } satisfies PfPlan;
    }),
  );
}

export interface SeedOptions {
  now?: Date;
  hosts?: DemoHost[];
}

export async function seedDemoFleet(prisma: PrismaClient, { now = new Date(), hosts = DEMO_HOSTS }: SeedOptions = {}) {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const MINUTE = 60_000;

  await prisma.$transaction([
    prisma.auditEvent.deleteMany(),
    prisma.operation.deleteMany(),
    prisma.assignment.deleteMany(),
    prisma.host.deleteMany(),
  ]);

  let iommuGroup = 40;
  for (const host of hosts) {
    const hostId = stableId('host', host.name);
    const seen = host.agent !== 'never-seen';
    const lastSeenAt = host.agent === 'online' ? ago(12_000) : host.agent === 'offline' ? ago(2 * 60 * MINUTE) : null;
    const iommu = seen ? iommuActive(host) : null;
    const ports = seen ? planPorts(host) : [];

    await prisma.host.create({
      data: {
        id: hostId,
        name: host.name,
        model: host.model,
        generation: host.generation,
        serialNumber: `CZ${createHash('sha256').update(host.name).digest('hex').slice(0, 8).toUpperCase()}`,
        cpuVendor: host.cpuVendor,
        numaNodes: seen ? 2 : null,
        kernelRelease: seen ? kernelRelease(host) : null,
        kernelCmdline: seen ? (host.cmdline ?? null) : null,
        iommuActive: iommu,
        kvmLoaded: seen ? true : null,
        vfioPciLoaded: seen ? (host.vfioPciLoaded ?? true) : null,
        powerState: 'On',
        agentUrl: `https://${host.name}.mgmt.example.net:8443`,
        agentTokenEnc: encryptSecret(`demo-agent-token-${host.name}`),
        agentStatus: host.agent,
        agentVersion: seen ? '0.1.0' : null,
        lastSeenAt,
        observedAt: lastSeenAt,
        bmc: {
          create: {
            address: `ilo-${host.name}.oob.example.net`,
            generation: iloGenerationFor(host),
            firmwareVersion: host.iloFirmware,
            userName: 'fleet-svc',
            passwordEnc: encryptSecret(`demo-ilo-password-${host.name}`),
          },
        },
        biosRead: {
          create: {
            readAt: ago(5 * MINUTE),
            resetRequired: Boolean(host.pendingBios),
            lastApplyAt: ago(3 * 24 * 60 * MINUTE),
            values: JSON.stringify(
              Object.fromEntries(
                Object.entries(host.bios).map(([name, current]) => {
                  const pending = host.pendingBios?.[name as keyof DemoHost['bios']];
                  return [name, [current, pending !== undefined && pending !== current ? pending : null]];
                }),
              ),
            ),
            lastApplyMessages: JSON.stringify(
              host.bios.WorkloadProfile === 'LowLatency'
                ? [{ messageId: 'Base.1.4.PropertyNotWritable', severity: 'Warning', message: 'The property Sriov is a read only property and cannot be assigned a value.' }]
                : [{ messageId: 'Base.1.4.Success', severity: 'OK', message: 'Successfully Completed Request' }],
            ),
          },
        },
        bios: {
          create: Object.entries(host.bios).map(([name, current]) => {
            const pending = host.pendingBios?.[name as keyof DemoHost['bios']] ?? current;
            return { name, current, pending, desired: pending !== current ? pending : null };
          }),
        },
        virtualMachines: {
          create: host.vms.map((v) => ({
            id: stableId('vm', `${host.name}/${v.name}`),
            name: v.name,
            uuid: uuidFor(`${host.name}/${v.name}`),
            state: v.state,
            numaNode: v.numaNode,
            vcpus: v.vcpus,
            memoryMiB: v.memoryMiB,
          })),
        },
      },
    });

    // VFs go to VMs in order, first from the PFs on the VM's NUMA node, as an operator would.
    const freeVfs = ports.flatMap((p) => p.vfs.map((vf) => ({ ...vf, pf: p })));
    const assignments = new Map<string, { vmName: string; vlan: number }>();
    host.vms.forEach((v, vmIndex) => {
      for (let n = 0; n < v.vfs; n++) {
        const pick = freeVfs.findIndex((vf) => vf.pf.nic.numaNode === v.numaNode && !assignments.has(vf.id));
        const fallback = freeVfs.findIndex((vf) => !assignments.has(vf.id));
        const chosen = freeVfs[pick >= 0 ? pick : fallback];
        if (chosen) assignments.set(chosen.id, { vmName: v.name, vlan: 100 + vmIndex * 10 + n });
      }
    });

    for (const port of ports) {
      const model = port.nic.model === 'BCM5719' ? null : NIC_MODELS[port.nic.model];
      const [subsystemVendorId, subsystemDeviceId] = SUBSYSTEM_IDS[port.nic.model] ?? [null, null];
      const totalVfs = model && !port.nic.firmwareSriovOff ? model.totalVfs : 0;
      await prisma.physicalFunction.create({
        data: {
          id: port.id,
          hostId,
          pciAddress: port.address,
          vendorId: model?.vendorId ?? NON_SRIOV_NIC.vendorId,
          deviceId: model?.deviceId ?? NON_SRIOV_NIC.deviceId,
          subsystemVendorId,
          subsystemDeviceId,
          modelName: model?.name ?? NON_SRIOV_NIC.name,
          driver: port.netdev ? (model?.pfDriver ?? NON_SRIOV_NIC.pfDriver) : null,
          netdev: port.netdev,
          macAddress: demoMac(`${host.name}/${port.address}`),
          numaNode: port.nic.numaNode,
          slot: `${port.nic.slot}.${port.port + 1}`,
          totalVfs,
          currentVfs: port.vfs.length,
          desiredVfs: port.vfs.length > 0 ? port.vfs.length : null,
          linkState: port.port < 2 ? 'up' : 'down',
          linkSpeedMbps: port.port < 2 ? (model?.speedMbps ?? NON_SRIOV_NIC.speedMbps) : null,
          firmwareMaxVfs: port.nic.firmwareMaxVfs ?? null,
          vfDriver: model?.vfDriver ?? null,
          vfDriverAvailable: model ? true : null,
          virtualFunctions: {
            create: port.vfs.map((vf) => {
              const assigned = assignments.get(vf.id);
              // Every fourth free VF is pre-bound to vfio-pci, as operators do for DPDK pools.
              const vfio = Boolean(assigned) || vf.index % 4 === 3;
              const mac = assigned ? demoMac(`${host.name}/${assigned.vmName}/${vf.address}`) : null;
              return {
                id: vf.id,
                hostId,
                index: vf.index,
                pciAddress: vf.address,
                driver: vfio ? 'vfio-pci' : (model?.vfDriver ?? null),
                netdev: vfio ? null : `${port.netdev}v${vf.index}`,
                mac,
                vlan: assigned?.vlan ?? null,
                qos: assigned ? 0 : null,
                trust: false,
                spoofchk: true,
                linkState: 'auto',
                maxTxRateMbps: 0,
                iommuGroup: iommu ? iommuGroup++ : null,
                desiredDriver: vfio ? 'vfio-pci' : null,
              };
            }),
          },
        },
      });
    }

    for (const [vfId, a] of assignments) {
      const vf = await prisma.virtualFunction.findUniqueOrThrow({ where: { id: vfId }, select: { mac: true, vlan: true } });
      await prisma.assignment.create({
        data: {
          vfId,
          vmId: stableId('vm', `${host.name}/${a.vmName}`),
          hostId,
          mac: vf.mac,
          vlan: vf.vlan,
          assignedBy: 'demo-seed',
          assignedAt: ago(24 * 60 * MINUTE),
        },
      });
    }
  }
  await refreshFleetFacts(prisma, (await prisma.host.findMany({ select: { id: true } })).map((h) => h.id));
  return { hosts: hosts.length };
}
