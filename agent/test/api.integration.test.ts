import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeResult, ErrorEnvelope, Inventory, PhysicalFunction, Readiness, VirtualFunction, Vm, VmList } from '../src/api-types';

// Starts the built bundle as its own process (no node_modules needed) on a free loopback port,
// against the simulated DL380 Gen10 with the real kernel timings (100 ms enable, 1 s disable).
const AGENT_DIR = path.resolve(__dirname, '..');
const TOKEN = 'integration-test-token-0123456789';
const PF = '0000:12:00.0';

let dir: string;
let child: ChildProcess;
let base: URL;
let stderr = '';

interface Answer<T> {
  status: number;
  body: T;
}

function call<T = unknown>(method: string, rawPath: string, options: { token?: string | null; body?: unknown; rawBody?: string } = {}): Promise<Answer<T>> {
  const token = options.token === undefined ? TOKEN : options.token;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    // http.request keeps the path as written: fetch() would resolve "../" before sending it.
    const req = http.request(
      { host: base.hostname, port: base.port, method, path: rawPath, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(payload ? { 'Content-Type': 'application/json' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as T }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-agent-it-'));
  const bundle = path.join(dir, 'sriov-agent.js');
  execFileSync(process.execPath, [path.join(AGENT_DIR, 'build.mjs'), '--outfile', bundle], { stdio: 'pipe' });
  child = spawn(process.execPath, [bundle, 'serve', '--simulate', 'dl380-gen10', '--port', '0', '--no-reapply'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', SRIOV_AGENT_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`agent exited with ${code}: ${stderr}`)));
  });
  base = new URL((JSON.parse(first) as { listening: string }).listening);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('authentication', () => {
  it('answers health without a token', async () => {
    const res = await call<{ ok: boolean; simulated: boolean }>('GET', '/v1/health', { token: null });
    expect(res).toMatchObject({ status: 200, body: { ok: true, simulated: true } });
  });

  it('answers readiness without a token', async () => {
    const res = await call<Readiness>('GET', '/v1/ready', { token: null });
    expect(res).toMatchObject({ status: 200, body: { ready: true, checks: { sysfs: { state: 'ok' }, state: { state: 'ok' } } } });
  });

  it('answers 401 with the error envelope without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token-wrong-token-wrong', `${TOKEN}x`]) {
      const res = await call<ErrorEnvelope>('GET', '/v1/inventory', { token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    const change = await call('PUT', `/v1/pfs/${PF}/num-vfs`, { token: null, body: { numVfs: 1 } });
    expect(change.status).toBe(401);
  });

  it('answers the inventory with the token, in the documented shape', async () => {
    const res = await call<Inventory>('GET', '/v1/inventory');
    expect(res.status).toBe(200);
    expect(res.body.host).toMatchObject({ cpuVendor: 'intel', iommu: { active: true }, modules: { kvm: true, vfioPci: true } });
    expect(res.body.pfs.find((pf) => pf.address === PF)).toMatchObject({ vendorId: '8086', deviceId: '10fb', driver: 'ixgbe', netdev: 'ens1f0', totalVfs: 63, numVfs: 0 });
  });
});

describe('validation', () => {
  it.each([
    ['/v1/pfs/0000:12:00.8/num-vfs'],
    ['/v1/pfs/0000:12:00.A/num-vfs'],
    ['/v1/pfs/12:00.0/num-vfs'],
    ['/v1/pfs/..%2F..%2F..%2Fetc%2Fpasswd/num-vfs'],
    ['/v1/pfs/../../../etc/passwd'],
    ['/v1/pfs/0000:12:00.0%2F..%2F..%2F0000:12:00.1/num-vfs'],
    ['/v1/pfs/%2e%2e/num-vfs'],
  ])('answers 400 for the PF path %s', async (p) => {
    const res = await call<ErrorEnvelope>('PUT', p, { body: { numVfs: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad-request');
  });

  it('answers 404 for a well-formed address that names no PF', async () => {
    expect((await call<ErrorEnvelope>('PUT', '/v1/pfs/0000:99:00.0/num-vfs', { body: { numVfs: 1 } })).status).toBe(404);
    const notSriov = await call<ErrorEnvelope>('PUT', '/v1/pfs/0000:01:00.1/num-vfs', { body: { numVfs: 1 } });
    expect(notSriov).toMatchObject({ status: 404, body: { error: { message: '0000:01:00.1 has no SR-IOV capability' } } });
  });

  it('answers 400 with issues for a bad body, and 413 for a huge one', async () => {
    const bad = await call<ErrorEnvelope>('PUT', `/v1/pfs/${PF}/num-vfs`, { body: { numVfs: -1, extra: true } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues?.map((i) => i.path).sort()).toEqual(['extra', 'numVfs']);
    const notJson = await call<ErrorEnvelope>('PUT', `/v1/pfs/${PF}/num-vfs`, { rawBody: '{numVfs: 1' });
    expect(notJson.status).toBe(400);
    const huge = await call<ErrorEnvelope>('PATCH', '/v1/vfs/0000:12:10.0', { rawBody: JSON.stringify({ mac: 'x'.repeat(20_000) }) });
    expect(huge.status).toBe(413);
    const multicast = await call<ErrorEnvelope>('POST', '/v1/vms/vm-web-01/attach', { body: { vf: '0000:12:10.0', mac: '01:00:5e:00:00:01' } });
    expect(multicast.status).toBe(400);
  });

  it('reports the kernel refusal (ERANGE) as 422 with its errno', async () => {
    const res = await call<ErrorEnvelope>('PUT', `/v1/pfs/${PF}/num-vfs`, { body: { numVfs: 64 } });
    expect(res).toMatchObject({ status: 422, body: { error: { code: 'refused', errno: 'ERANGE' } } });
  });
});

describe('one change at a time per PF', () => {
  it('answers 409 busy to a second change on the same PF while the first runs', async () => {
    // From 2 VFs, a change sleeps over a second in the kernel (0 first, then N): a wide window.
    expect((await call('PUT', `/v1/pfs/${PF}/num-vfs`, { body: { numVfs: 2 } })).status).toBe(200);
    const [a, b] = await Promise.all([
      call<ChangeResult<PhysicalFunction>>('PUT', `/v1/pfs/${PF}/num-vfs`, { body: { numVfs: 4 } }),
      call<ErrorEnvelope>('PUT', `/v1/pfs/${PF}/num-vfs`, { body: { numVfs: 3 } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = (a.status === 409 ? a : b) as Answer<ErrorEnvelope>;
    expect(loser.body.error.code).toBe('busy');
  });
});

describe('full flow', () => {
  it('sets 4 VFs, MAC/VLAN, binds vfio-pci, attaches to a VM, detaches, back to 0', async () => {
    const four = await call<ChangeResult<PhysicalFunction>>('PUT', `/v1/pfs/${PF}/num-vfs`, { body: { numVfs: 4 } });
    expect(four.status).toBe(200);
    expect(four.body.result.numVfs).toBe(4);
    expect(four.body.result.vfs.map((vf) => vf.netdev)).toEqual(['ens1f0v0', 'ens1f0v1', 'ens1f0v2', 'ens1f0v3']);
    const vf = four.body.result.vfs[1]!.address;

    const settings = await call<ChangeResult<VirtualFunction>>('PATCH', `/v1/vfs/${vf}`, { body: { mac: '02:11:22:33:44:55', vlan: 100, qos: 3, trust: true } });
    expect(settings.status).toBe(200);
    expect(settings.body.result).toMatchObject({ mac: '02:11:22:33:44:55', vlan: 100, qos: 3, trust: true });
    const again = await call<ChangeResult<VirtualFunction>>('PATCH', `/v1/vfs/${vf}`, { body: { mac: '02:11:22:33:44:55', vlan: 100, qos: 3, trust: true } });
    expect(again.body.changed).toBe(false);

    const bound = await call<ChangeResult<VirtualFunction>>('PUT', `/v1/vfs/${vf}/driver`, { body: { driver: 'vfio-pci' } });
    expect(bound.status).toBe(200);
    expect(bound.body.result).toMatchObject({ driver: 'vfio-pci', netdev: null });

    const attached = await call<ChangeResult<Vm>>('POST', '/v1/vms/vm-web-01/attach', { body: { vf, mac: '02:11:22:33:44:66', vlan: 200 } });
    expect(attached.status).toBe(200);
    expect(attached.body.result.hostdevs).toEqual([vf]);
    const vms = await call<VmList>('GET', '/v1/vms');
    expect(vms.body.vms.find((v) => v.name === 'vm-web-01')?.hostdevs).toEqual([vf]);
    const inventory = await call<Inventory>('GET', '/v1/inventory');
    // libvirt set the MAC and VLAN of the interface through the PF.
    expect(inventory.body.pfs.find((p) => p.address === PF)?.vfs[1]).toMatchObject({ vm: 'vm-web-01', driver: 'vfio-pci', mac: '02:11:22:33:44:66', vlan: 200 });

    expect((await call<VirtualFunction>('GET', `/v1/vfs/${vf}`)).body.vm).toBe('vm-web-01');

    const blocked = await call<ErrorEnvelope>('PUT', `/v1/pfs/${PF}/num-vfs`, { body: { numVfs: 0 } });
    expect(blocked).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    const wrongVm = await call<ErrorEnvelope>('POST', '/v1/vms/vm-db-01/detach', { body: { vf } });
    expect(wrongVm).toMatchObject({ status: 409, body: { error: { message: `VM vm-db-01 does not hold VF ${vf}` } } });
    expect((await call<ErrorEnvelope>('POST', '/v1/vms/no-such-vm/attach', { body: { vf } })).status).toBe(404);

    const detached = await call<ChangeResult<Vm>>('POST', '/v1/vms/vm-web-01/detach', { body: { vf } });
    expect(detached.status).toBe(200);
    expect(detached.body.result.hostdevs).toEqual([]);
    // Given back: libvirt restored the VF's own MAC and VLAN, and left it on vfio-pci where it found it.
    const released = await call<VirtualFunction>('GET', `/v1/vfs/${vf}`);
    expect(released.body).toMatchObject({ vm: null, driver: 'vfio-pci', mac: '02:11:22:33:44:55', vlan: 100 });

    const zero = await call<ChangeResult<PhysicalFunction>>('PUT', `/v1/pfs/${PF}/num-vfs`, { body: { numVfs: 0 } });
    expect(zero.status).toBe(200);
    expect(zero.body.result).toMatchObject({ numVfs: 0, vfs: [] });
  });
});
