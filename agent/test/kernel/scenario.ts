// One scenario, run against two targets: the real Linux kernel in the QEMU guest (guest-driver.ts,
// the agent bundle's HTTP API and CLI on the guest's /sys) and the simulated kernel
// (sim-driver.ts, the same HTTP server code on a SimulatedHost). Every step records an
// `observation` with addresses and netdev names replaced by placeholders, so run.mjs can compare
// the two step by step; the `checks` state what the real kernel must show (they fail the run).
import type { ErrorEnvelope, Inventory, PhysicalFunction, VirtualFunction } from '../../src/api-types';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export interface Target {
  name: 'guest' | 'sim';
  /** Trimmed file contents, null when absent or unreadable. */
  read(file: string): string | null;
  readlink(link: string): string | null;
  list(dir: string): string[];
  /** A write straight to sysfs, bypassing the agent: the errno code, or null when it succeeded. */
  rawWrite(file: string, data: string): Promise<{ errno: string | null; error?: unknown }>;
  /** The agent's HTTP API (token sent unless `noToken`). */
  api(method: string, route: string, body?: unknown, noToken?: boolean): Promise<ApiAnswer>;
  /** The agent's message for a failed sriov_numvfs write (its numVfsRefusal on the real error). */
  numVfsRefusal(error: unknown, ctx: { pf: string; requested: number; totalVfs: number; driver: string | null }): ErrorEnvelope['error'];
  /** `ip -j link show dev <netdev>` parsed, or null without a real ip. */
  ipLink(netdev: string): Promise<unknown>;
  /** Stops the agent, runs `between` (the PF comes back with 0 VFs), starts it again (re-apply). */
  restartAgent(between: () => Promise<void>): Promise<void>;
  /** Extra CLI runs (guest only). */
  cli?(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }>;
}

export interface Check {
  name: string;
  pass: boolean;
  detail?: unknown;
}

export interface StepRecord {
  id: string;
  title: string;
  ms: number;
  observation: unknown;
  /** Durations measured inside the step (printed, never compared). */
  timings?: Record<string, number>;
  checks: Check[];
  error?: string;
}

export interface Emit {
  step(record: StepRecord): void;
  /** Guest only: hands run.mjs a capture (sysfs tree) to store. */
  capture?(name: string, value: unknown): void;
}

const DEV = '/sys/bus/pci/devices';

const MAC = '02:11:22:33:44:55';

export async function runScenario(t: Target, emit: Emit): Promise<void> {
  let rawTimings: Record<string, number> = {};
  const names = new Map<string, string>(); // real value -> placeholder
  const norm = (value: unknown): unknown => {
    let text = JSON.stringify(value ?? null);
    // Longest first, so "eth0v1" is replaced before "eth0".
    for (const [real, placeholder] of [...names].sort((a, b) => b[0].length - a[0].length)) text = text.split(real).join(placeholder);
    return JSON.parse(text);
  };
  const learn = (pf: PhysicalFunction): void => {
    names.set(pf.address, '<PF>');
    if (pf.netdev) names.set(pf.netdev, '<PF-NET>');
    for (const vf of pf.vfs) {
      names.set(vf.address, `<VF${vf.index}>`);
      if (vf.netdev) names.set(vf.netdev, `<VF${vf.index}-NET>`);
    }
  };

  let pfAddress = '';
  const inventory = async (): Promise<Inventory> => {
    const a = await t.api('GET', '/v1/inventory');
    if (a.status !== 200) throw new Error(`GET /v1/inventory answered ${a.status}: ${JSON.stringify(a.body)}`);
    return a.body as Inventory;
  };
  const pfNow = async (): Promise<PhysicalFunction> => {
    const inv = await inventory();
    const pf = inv.pfs.find((p) => p.address === pfAddress);
    if (!pf) throw new Error(`PF ${pfAddress} not in the inventory`);
    learn(pf);
    return pf;
  };
  const errOf = (a: ApiAnswer): { status: number; code?: string; errno?: string; message?: string } => {
    const e = (a.body as ErrorEnvelope | null)?.error;
    return e ? { status: a.status, code: e.code, ...(e.errno ? { errno: e.errno } : {}), message: e.message } : { status: a.status };
  };
  const vfView = (vf: VirtualFunction | undefined) =>
    vf && { driver: vf.driver, driverOverride: vf.driverOverride, netdev: vf.netdev !== null, iommuGroup: vf.iommuGroup !== null, mac: vf.mac, vlan: vf.vlan, qos: vf.qos, trust: vf.trust, spoofchk: vf.spoofchk, linkState: vf.linkState, maxTxRate: vf.maxTxRate, minTxRate: vf.minTxRate };

  const step = async (id: string, title: string, body: (checks: Check[]) => Promise<unknown>): Promise<void> => {
    const checks: Check[] = [];
    const t0 = performance.now();
    let observation: unknown = null;
    let error: string | undefined;
    try {
      observation = await body(checks);
    } catch (err) {
      error = err instanceof Error ? `${err.message}` : String(err);
      checks.push({ name: 'step ran without throwing', pass: false, detail: error });
    }
    emit.step({ id, title, ms: Math.round(performance.now() - t0), observation: norm(observation), checks, ...(error ? { error } : {}), ...(Object.keys(rawTimings).length ? { timings: rawTimings } : {}) });
    rawTimings = {};
  };
  const check = (checks: Check[], name: string, pass: boolean, detail?: unknown): void => void checks.push({ name, pass, ...(detail !== undefined ? { detail } : {}) });
  const eq = (checks: Check[], name: string, actual: unknown, expected: unknown): void =>
    check(checks, name, JSON.stringify(actual) === JSON.stringify(expected), { actual, expected });

  // ---------------------------------------------------------------------------------------------
  await step('health', 'HTTP API: health without a token, inventory refused without one', async (c) => {
    const h = await t.api('GET', '/v1/health', undefined, true);
    const noToken = await t.api('GET', '/v1/inventory', undefined, true);
    eq(c, 'GET /v1/health answers 200 without a token', h.status, 200);
    check(c, 'health carries a bootId', typeof (h.body as { bootId?: unknown }).bootId === 'string', h.body);
    eq(c, 'GET /v1/inventory without a token is 401', noToken.status, 401);
    return { health: h.status, simulated: (h.body as { simulated?: boolean }).simulated, noToken: errOf(noToken) };
  });

  await step('inventory', 'inventory: the igb PF, field by field against sysfs', async (c) => {
    const inv = await inventory();
    const pf = inv.pfs.find((p) => p.driver === 'igb');
    if (!pf) throw new Error(`no igb PF in the inventory: ${JSON.stringify(inv.pfs.map((p) => [p.address, p.driver]))}`);
    pfAddress = pf.address;
    learn(pf);
    const f = (name: string) => t.read(`${DEV}/${pf.address}/${name}`);
    const hex = (name: string) => f(name)?.replace(/^0x/, '').toLowerCase() ?? null;
    eq(c, 'totalVfs is 7 (igb keeps one pool for the PF)', pf.totalVfs, 7);
    eq(c, 'numVfs is 0 after boot', pf.numVfs, 0);
    eq(c, 'vendorId = sysfs vendor', pf.vendorId, hex('vendor'));
    eq(c, 'deviceId = sysfs device', pf.deviceId, hex('device'));
    eq(c, 'subsystemVendorId = sysfs subsystem_vendor', pf.subsystemVendorId, hex('subsystem_vendor'));
    eq(c, 'subsystemDeviceId = sysfs subsystem_device', pf.subsystemDeviceId, hex('subsystem_device'));
    eq(c, 'classCode = sysfs class', pf.classCode, hex('class'));
    eq(c, 'totalVfs = sysfs sriov_totalvfs', String(pf.totalVfs), f('sriov_totalvfs'));
    eq(c, 'vfDeviceId = sysfs sriov_vf_device', pf.vfDeviceId, f('sriov_vf_device')?.toLowerCase() ?? null);
    eq(c, 'autoprobe = sysfs sriov_drivers_autoprobe', pf.autoprobe ? '1' : '0', f('sriov_drivers_autoprobe'));
    eq(c, 'driver = the driver link', pf.driver, t.readlink(`${DEV}/${pf.address}/driver`)?.split('/').pop() ?? null);
    eq(c, 'netdev = the entry of net/', pf.netdev, t.list(`${DEV}/${pf.address}/net`)[0] ?? null);
    eq(c, 'numaNode: null when sysfs says -1', pf.numaNode, f('numa_node') === '-1' || f('numa_node') === null ? null : Number(f('numa_node')));
    if (t.name === 'guest') {
      check(c, 'IOMMU active (emulated VT-d, intel_iommu=on)', inv.host.iommu.active, inv.host.iommu);
      eq(c, 'IOMMU unit dmar0', inv.host.iommu.units, ['dmar0']);
      eq(c, 'vfio-pci module seen', inv.host.modules.vfioPci, true);
      eq(c, 'no warnings', inv.warnings, []);
    }
    return {
      pf: { driver: pf.driver, totalVfs: pf.totalVfs, numVfs: pf.numVfs, autoprobe: pf.autoprobe, numaNode: pf.numaNode, classCode: pf.classCode, netdev: pf.netdev !== null, vfDeviceId: pf.vfDeviceId !== null },
      iommu: { active: inv.host.iommu.active, units: inv.host.iommu.units, acpiTable: inv.host.iommu.acpiTable },
      modules: inv.host.modules,
      warnings: inv.warnings,
    };
  });
  if (!pfAddress) return;
  const numvfs = `${DEV}/${pfAddress}/sriov_numvfs`;
  const ctx = { pf: pfAddress, totalVfs: 7, driver: 'igb' };

  if (t.cli) {
    const cli = t.cli;
    await step('cli-inventory', 'CLI: sriov-agent inventory prints the same PF', async (c) => {
      const r = await cli(['inventory']);
      eq(c, 'exit code 0', r.status, 0);
      const inv = JSON.parse(r.stdout) as Inventory;
      const pf = inv.pfs.find((p) => p.address === pfAddress);
      eq(c, 'CLI sees the igb PF with 7 VFs possible', pf && [pf.driver, pf.totalVfs], ['igb', 7]);
      return { status: r.status, ms: r.ms };
    });
  }

  await step('numvfs-4', 'PUT num-vfs 4 (0 -> 4): VFs, igbvf, netdevs when the call returns', async (c) => {
    const a = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 4 });
    eq(c, 'answers 200', a.status, 200);
    const r = a.body as { changed: boolean; steps: string[]; result: PhysicalFunction };
    learn(r.result);
    eq(c, 'numVfs 4 in the answer', r.result.numVfs, 4);
    eq(c, '4 VFs listed', r.result.vfs.length, 4);
    eq(c, 'every VF bound to igbvf', r.result.vfs.map((v) => v.driver), ['igbvf', 'igbvf', 'igbvf', 'igbvf']);
    eq(c, 'every VF has its netdev', r.result.vfs.every((v) => v.netdev !== null), true);
    eq(c, 'every VF has an IOMMU group', r.result.vfs.every((v) => v.iommuGroup !== null), true);
    eq(c, 'sysfs sriov_numvfs reads 4', t.read(numvfs), '4');
    const vf0 = r.result.vfs[0];
    eq(c, 'VF physfn link points back to the PF', vf0 && t.readlink(`${DEV}/${vf0.address}/physfn`)?.split('/').pop(), pfAddress);
    return { changed: r.changed, steps: r.steps, numVfs: r.result.numVfs, vfs: r.result.vfs.map(vfView) };
  });

  await step('raw-same-value', 'sysfs: writing the value already set (4) succeeds', async (c) => {
    const w = await t.rawWrite(numvfs, '4');
    eq(c, 'no error', w.errno, null);
    return w.errno;
  });

  await step('raw-ebusy', 'sysfs: writing 2 over 4 directly is EBUSY; the agent words it', async (c) => {
    const w = await t.rawWrite(numvfs, '2');
    eq(c, 'EBUSY', w.errno, 'EBUSY');
    const msg = t.numVfsRefusal(w.error, { ...ctx, requested: 2 });
    eq(c, 'agent maps it to refused/EBUSY', [msg.code, msg.errno], ['refused', 'EBUSY']);
    eq(c, 'count unchanged', t.read(numvfs), '4');
    return { errno: w.errno, agent: msg };
  });

  await step('numvfs-2', 'PUT num-vfs 2 (4 -> 0 -> 2), the agent writes 0 first', async (c) => {
    const a = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 2 });
    eq(c, 'answers 200', a.status, 200);
    const r = a.body as { changed: boolean; steps: string[]; result: PhysicalFunction };
    eq(c, 'numVfs 2', r.result.numVfs, 2);
    check(c, 'steps say 0 was written first', r.steps.some((s) => s.startsWith('wrote 0 ')), r.steps);
    eq(c, 'virtfn2 gone', t.list(`${DEV}/${pfAddress}`).includes('virtfn2'), false);
    return { changed: r.changed, steps: r.steps, vfs: r.result.vfs.map(vfView) };
  });

  await step('numvfs-erange', 'PUT num-vfs 8: ERANGE from the kernel, refused with the agent\'s words', async (c) => {
    const a = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 8 });
    const e = errOf(a);
    // From 2, the agent writes 0 first, then 8: the kernel answers ERANGE on the second write.
    eq(c, '422 refused ERANGE', [e.status, e.code, e.errno], [422, 'refused', 'ERANGE']);
    check(c, 'message names the limit of 7', /\b7\b/.test(e.message ?? ''), e.message);
    const left = t.read(numvfs);
    return { error: e, numVfsAfter: left };
  });

  await step('raw-einval', 'sysfs: "abc" and "-1" are EINVAL, "0x2" and "2\\n" pass; the agent words EINVAL', async (c) => {
    const now = t.read(numvfs);
    if (now !== '0') await t.rawWrite(numvfs, '0');
    const abc = await t.rawWrite(numvfs, 'abc');
    const minus = await t.rawWrite(numvfs, '-1');
    eq(c, '"abc" EINVAL', abc.errno, 'EINVAL');
    eq(c, '"-1" EINVAL', minus.errno, 'EINVAL');
    const msg = t.numVfsRefusal(abc.error, { ...ctx, requested: 'abc' as unknown as number });
    eq(c, 'agent maps it to refused/EINVAL', [msg.code, msg.errno], ['refused', 'EINVAL']);
    const hex = await t.rawWrite(numvfs, '0x2');
    eq(c, '"0x2" accepted', hex.errno, null);
    eq(c, 'sriov_numvfs reads 2 after "0x2"', t.read(numvfs), '2');
    const nl = await t.rawWrite(numvfs, '2\n');
    eq(c, '"2\\n" accepted (same value)', nl.errno, null);
    const eight = await t.rawWrite(numvfs, '8');
    // drivers/pci/iov.c checks the range before the lock and the EBUSY test.
    eq(c, '"8" over 2 is ERANGE (range checked before EBUSY)', eight.errno, 'ERANGE');
    return { before: now, abc: abc.errno, minus: minus.errno, agent: msg, hex: hex.errno, newline: nl.errno, eightOverTwo: eight.errno };
  });

  let pf = await pfNow().catch(() => null);
  const vf0 = pf?.vfs[0]?.address ?? '';
  const vf1 = pf?.vfs[1]?.address ?? '';

  await step('set-vf', 'PATCH VF 0: mac, vlan 100 qos 3, trust on, spoofchk off; read back', async (c) => {
    const a = await t.api('PATCH', `/v1/vfs/${vf0}`, { mac: MAC, vlan: 100, qos: 3, trust: true, spoofchk: false });
    eq(c, 'answers 200', a.status, 200);
    const r = a.body as { changed: boolean; steps: string[]; result: VirtualFunction };
    const back = await t.api('GET', `/v1/vfs/${vf0}`);
    const v = back.body as VirtualFunction;
    eq(c, 'read back: mac, vlan, qos, trust, spoofchk', [v.mac, v.vlan, v.qos, v.trust, v.spoofchk], [MAC, 100, 3, true, false]);
    let ip: unknown = null;
    if (pf?.netdev && t.name === 'guest') {
      const links = (await t.ipLink(pf.netdev)) as { vfinfo_list?: unknown[] }[];
      ip = links?.[0]?.vfinfo_list?.[0] ?? null;
      check(c, 'ip -j link show has the settings in vfinfo_list', JSON.stringify(ip).includes(MAC) && JSON.stringify(ip).includes('"vlan":100'), ip);
    }
    return { changed: r.changed, steps: r.steps, readBack: vfView(v), ipVfInfo: ip };
  });

  await step('set-vf-again', 'PATCH VF 0 with the same values: nothing to do', async (c) => {
    const a = await t.api('PATCH', `/v1/vfs/${vf0}`, { mac: MAC, vlan: 100, qos: 3, trust: true, spoofchk: false });
    const r = a.body as { changed: boolean; steps: string[] };
    eq(c, 'answers 200, changed false', [a.status, r.changed], [200, false]);
    return { status: a.status, changed: r.changed, steps: r.steps };
  });

  await step('set-vf-state', 'PATCH VF 0 linkState disable: igb refuses (EOPNOTSUPP), in words', async (c) => {
    const a = await t.api('PATCH', `/v1/vfs/${vf0}`, { linkState: 'disable' });
    const e = errOf(a);
    eq(c, '422 refused EOPNOTSUPP', [e.status, e.code, e.errno], [422, 'refused', 'EOPNOTSUPP']);
    check(c, 'message is words, not just a code', (e.message ?? '').length > 20, e.message);
    let cli: unknown;
    if (t.cli) {
      // The CLI's failure path: exit 1, the reason on stderr, the error envelope on stdout.
      const r = await t.cli(['set-vf', vf0, '--state', 'disable']);
      const envelope = JSON.parse(r.stdout || 'null') as ErrorEnvelope | null;
      eq(c, 'CLI set-vf --state disable: exit 1 with the envelope (EOPNOTSUPP)', [r.status, envelope?.error.errno], [1, 'EOPNOTSUPP']);
      cli = { status: r.status, stderr: r.stderr.trim() };
    }
    return { error: e, ...(cli ? { cli } : {}) };
  });

  await step('set-vf-vlan0', 'PATCH VF 0 vlan 0 removes the VLAN', async (c) => {
    const a = await t.api('PATCH', `/v1/vfs/${vf0}`, { vlan: 0 });
    const v = (a.body as { result: VirtualFunction }).result;
    eq(c, 'vlan 0 qos 0 read back', v && [v.vlan, v.qos], [0, 0]);
    return { status: a.status, vlan: v?.vlan, qos: v?.qos };
  });

  if (t.name === 'guest') {
    // A real layout for the unit tests: the PF, both VFs, the links, net/ and the iommu groups.
    const tree = captureTree(t, pfAddress, [vf0, vf1]);
    emit.capture?.('real-igb', { tree, ip: pf?.netdev ? await t.ipLink('') : null });
  }

  await step('bind-vfio', 'PUT VF 1 driver vfio-pci', async (c) => {
    const a = await t.api('PUT', `/v1/vfs/${vf1}/driver`, { driver: 'vfio-pci' });
    eq(c, 'answers 200', a.status, 200);
    const r = a.body as { changed: boolean; steps: string[]; result: VirtualFunction };
    eq(c, 'bound to vfio-pci, override set, no netdev', r.result && [r.result.driver, r.result.driverOverride, r.result.netdev], ['vfio-pci', 'vfio-pci', null]);
    eq(c, 'sysfs driver link is vfio-pci', t.readlink(`${DEV}/${vf1}/driver`)?.split('/').pop(), 'vfio-pci');
    const group = t.readlink(`${DEV}/${vf1}/iommu_group`)?.split('/').pop();
    check(c, 'its IOMMU group has a /dev/vfio node', t.name !== 'guest' || t.list('/dev/vfio').includes(group ?? '-'), { group, devVfio: t.list('/dev/vfio') });
    return { changed: r.changed, steps: r.steps, vf: vfView(r.result) };
  });

  await step('bind-default', 'PUT VF 1 driver default: back to igbvf with a netdev', async (c) => {
    const a = await t.api('PUT', `/v1/vfs/${vf1}/driver`, { driver: 'default' });
    eq(c, 'answers 200', a.status, 200);
    const r = a.body as { changed: boolean; steps: string[]; result: VirtualFunction };
    eq(c, 'bound to igbvf, override cleared', r.result && [r.result.driver, r.result.driverOverride], ['igbvf', null]);
    check(c, 'netdev back', r.result?.netdev !== null, r.result?.netdev);
    return { changed: r.changed, steps: r.steps, vf: vfView(r.result) };
  });

  await step('numvfs-0', 'PUT num-vfs 0: every VF gone', async (c) => {
    const a = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 0 });
    const r = a.body as { changed: boolean; steps: string[]; result: PhysicalFunction };
    eq(c, 'answers 200, 0 VFs', [a.status, r.result?.numVfs, r.result?.vfs.length], [200, 0, 0]);
    eq(c, 'no virtfn links left', t.list(`${DEV}/${pfAddress}`).filter((e) => e.startsWith('virtfn')), []);
    return { changed: r.changed, steps: r.steps };
  });

  await step('raw-erange', 'sysfs: writing 8 over 0 is ERANGE; the agent words it', async (c) => {
    const w = await t.rawWrite(numvfs, '8');
    eq(c, 'ERANGE', w.errno, 'ERANGE');
    const msg = t.numVfsRefusal(w.error, { ...ctx, requested: 8 });
    eq(c, 'agent maps it to refused/ERANGE', [msg.code, msg.errno], ['refused', 'ERANGE']);
    return { errno: w.errno, agent: msg };
  });

  await step('enoent', 'PF driver unbound: PUT num-vfs 2 is ENOENT, worded; igb bound again', async (c) => {
    const u = await t.rawWrite(`${DEV}/${pfAddress}/driver/unbind`, pfAddress);
    eq(c, 'unbinding igb from the PF succeeds', u.errno, null);
    const a = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 2 });
    const e = errOf(a);
    eq(c, '422 refused ENOENT', [e.status, e.code, e.errno], [422, 'refused', 'ENOENT']);
    check(c, 'message says to bind the PF driver', /bind the PF driver/.test(e.message ?? ''), e.message);
    const unbound = await pfNow();
    // igb lowers sriov_totalvfs to 7 when it binds (pci_sriov_set_totalvfs); unbound, the chip's own 8 shows.
    eq(c, 'inventory: PF without driver or netdev, totalVfs the chip\'s 8', [unbound.driver, unbound.netdev, unbound.totalVfs], [null, null, 8]);
    const b = await t.rawWrite('/sys/bus/pci/drivers/igb/bind', pfAddress);
    eq(c, 'binding igb again succeeds', b.errno, null);
    const back = await pfNow();
    eq(c, 'PF back on igb with a netdev, totalVfs 7 again', [back.driver, back.netdev !== null, back.totalVfs], ['igb', true, 7]);
    return { unbind: u.errno, error: e, unbound: { driver: unbound.driver, netdev: unbound.netdev, totalVfs: unbound.totalVfs }, bind: b.errno, back: [back.driver, back.totalVfs] };
  });

  await step('busy', 'two changes on the PF at once: one runs, the other is 409 busy', async (c) => {
    const [a, b] = await Promise.all([
      t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 3 }),
      new Promise<ApiAnswer>((resolve) => setTimeout(() => resolve(t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 2 })), 20)),
    ]);
    const answers = [a, b].map((x) => ({ status: x.status, code: errOf(x).code ?? null }));
    eq(c, 'first 200, second 409 busy', answers, [{ status: 200, code: null }, { status: 409, code: 'busy' }]);
    eq(c, 'the first one\'s count stands', t.read(numvfs), '3');
    const z = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 0 });
    eq(c, 'back to 0', z.status, 200);
    return { answers, busyMessage: errOf(b).message ?? null };
  });

  await step('raw-timing', 'sysfs by hand, timed: enable 4, netdevs there when the write returns, bind to vfio-pci and back, disable', async (c) => {
    const ms = async (fn: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now();
      await fn();
      return Math.round(performance.now() - t0);
    };
    let w: { errno: string | null } = { errno: null };
    const enable = await ms(async () => (w = await t.rawWrite(numvfs, '4')));
    eq(c, 'writing 4 succeeds', w.errno, null);
    const vfs = [0, 1, 2, 3].map((i) => t.readlink(`${DEV}/${pfAddress}/virtfn${i}`)?.split('/').pop() ?? '');
    const netdevsAtReturn = vfs.map((vf) => t.list(`${DEV}/${vf}/net`).length === 1);
    // SRIOV-FACTS / issue 8: on igb the VF netdevs exist when the sriov_numvfs write returns.
    eq(c, 'every VF netdev exists when the write returns (no polling needed on igb)', netdevsAtReturn, [true, true, true, true]);
    const vf = vfs[0] ?? '';
    const bindVfio = await ms(async () => {
      await t.rawWrite(`${DEV}/${vf}/driver_override`, 'vfio-pci');
      await t.rawWrite(`${DEV}/${vf}/driver/unbind`, vf);
      await t.rawWrite('/sys/bus/pci/drivers_probe', vf);
    });
    const onVfio = t.readlink(`${DEV}/${vf}/driver`)?.split('/').pop() ?? null;
    const bindBack = await ms(async () => {
      await t.rawWrite(`${DEV}/${vf}/driver_override`, '\n');
      await t.rawWrite(`${DEV}/${vf}/driver/unbind`, vf);
      await t.rawWrite('/sys/bus/pci/drivers_probe', vf);
    });
    const back = t.readlink(`${DEV}/${vf}/driver`)?.split('/').pop() ?? null;
    const netdevAfterProbe = t.list(`${DEV}/${vf}/net`).length === 1;
    eq(c, 'bound to vfio-pci, then back to igbvf with its netdev when drivers_probe returns', [onVfio, back, netdevAfterProbe], ['vfio-pci', 'igbvf', true]);
    const disable = await ms(async () => (w = await t.rawWrite(numvfs, '0')));
    eq(c, 'writing 0 succeeds', w.errno, null);
    rawTimings = { 'enable 4 VFs (sriov_numvfs write)': enable, 'bind 1 VF to vfio-pci (3 writes)': bindVfio, 'bind it back to igbvf (3 writes)': bindBack, 'disable 4 VFs (sriov_numvfs write)': disable };
    return { netdevsAtReturn, onVfio, back, netdevAfterProbe };
  });

  await step('reapply', 'desired state: 3 VFs + VF 0 MAC through the API; the PF comes back with 0 VFs; the agent restarts and re-applies', async (c) => {
    const put = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 3 });
    eq(c, 'PUT 3 answers 200', put.status, 200);
    pf = await pfNow();
    const first = pf.vfs[0]?.address ?? '';
    const patch = await t.api('PATCH', `/v1/vfs/${first}`, { mac: '02:aa:bb:cc:dd:01', trust: true });
    eq(c, 'PATCH answers 200', patch.status, 200);
    await t.restartAgent(async () => {
      const w = await t.rawWrite(numvfs, '0');
      if (w.errno) throw new Error(`writing 0 failed: ${w.errno}`);
    });
    const after = await pfNow();
    eq(c, '3 VFs again after the restart', after.numVfs, 3);
    const v0 = after.vfs[0];
    eq(c, 'VF 0 mac and trust re-applied', v0 && [v0.mac, v0.trust], ['02:aa:bb:cc:dd:01', true]);
    const ds = await t.api('GET', '/v1/desired-state');
    eq(c, 'no drift', (ds.body as { drift?: unknown[] }).drift, []);
    return { numVfs: after.numVfs, vf0: vfView(v0), drift: (ds.body as { drift?: unknown[] }).drift };
  });

  await step('cleanup', 'PUT num-vfs 0', async (c) => {
    const a = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 0 });
    eq(c, 'answers 200', a.status, 200);
    return { status: a.status };
  });
}

/** Files (first 256 bytes of the readable text ones) and symlinks of the PF and VFs, plus what the inventory reads beside them. */
function captureTree(t: Target, pf: string, vfs: string[]): Record<string, { file: string } | { link: string } | { dir: true }> {
  const out: Record<string, { file: string } | { link: string } | { dir: true }> = {};
  const skip = /^(config|rom|remove|rescan|reset|reset_method|resource\d*(_wc)?|new_id|remove_id|bind|unbind|uevent|d3cold_allowed|broken_parity_status|msi_bus|enable|power_state|label|index|acpi_index|ari_enabled|modalias|revision|irq|local_cpus|local_cpulist|dma_mask_bits|consistent_dma_mask_bits|waiting_for_supplier|sriov_vf_total_msix|resource)$/;
  const device = (address: string) => {
    const dir = `${DEV}/${address}`;
    const link = t.readlink(dir);
    if (link) out[dir] = { link };
    for (const e of t.list(dir)) {
      const p = `${dir}/${e}`;
      const l = t.readlink(p);
      if (l !== null) {
        out[p] = { link: l };
        continue;
      }
      if (e === 'net') {
        for (const n of t.list(p)) out[`${p}/${n}`] = { dir: true };
        continue;
      }
      if (skip.test(e)) continue;
      const text = t.read(p);
      if (text !== null && text.length <= 256 && !/[\0-\x08\x0e-\x1f]/.test(text)) out[p] = { file: text };
    }
  };
  for (const a of [pf, ...vfs].filter(Boolean)) device(a);
  for (const g of t.list('/sys/kernel/iommu_groups')) out[`/sys/kernel/iommu_groups/${g}`] = { dir: true };
  for (const u of t.list('/sys/class/iommu')) {
    const l = t.readlink(`/sys/class/iommu/${u}`);
    if (l) out[`/sys/class/iommu/${u}`] = { link: l };
  }
  for (const table of t.list('/sys/firmware/acpi/tables')) if (/^[A-Z0-9]{4}$/.test(table)) out[`/sys/firmware/acpi/tables/${table}`] = { file: '' };
  for (const m of ['kvm', 'vfio_pci', 'vfio', 'igb', 'igbvf']) if (t.list('/sys/module').includes(m)) out[`/sys/module/${m}`] = { dir: true };
  for (const f of ['/proc/cmdline', '/proc/sys/kernel/hostname', '/proc/sys/kernel/random/boot_id', '/proc/sys/kernel/osrelease']) {
    const v = t.read(f);
    if (v !== null) out[f] = { file: v };
  }
  const cpu = t.read('/proc/cpuinfo');
  if (cpu) out['/proc/cpuinfo'] = { file: cpu.split('\n').filter((l) => /^(processor|vendor_id|model name)\s*:/.test(l)).join('\n') };
  return out;
}

export type BootMode = 'iommu-off' | 'no-cmdline';

/**
 * The second and third boots. `iommu-off`: no emulated VT-d (BIOS VT-d off: no DMAR table) and no
 * intel_iommu=on; VFs still work, vfio-pci cannot take them. `no-cmdline`: VT-d present, the kernel
 * command line without intel_iommu=on: whether the IOMMU comes up is the kernel's build default.
 */
export async function runIommuScenario(t: Target, emit: Emit, mode: BootMode): Promise<void> {
  const p = `${mode}/`;
  const names = new Map<string, string>();
  const norm = (value: unknown): unknown => {
    let text = JSON.stringify(value ?? null);
    for (const [real, placeholder] of [...names].sort((a, b) => b[0].length - a[0].length)) text = text.split(real).join(placeholder);
    return JSON.parse(text);
  };
  const step = async (id: string, title: string, body: (checks: Check[]) => Promise<unknown>): Promise<void> => {
    const checks: Check[] = [];
    const t0 = performance.now();
    let observation: unknown = null;
    let error: string | undefined;
    try {
      observation = await body(checks);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      checks.push({ name: 'step ran without throwing', pass: false, detail: error });
    }
    emit.step({ id: p + id, title, ms: Math.round(performance.now() - t0), observation: norm(observation), checks, ...(error ? { error } : {}) });
  };
  const eq = (checks: Check[], name: string, actual: unknown, expected: unknown): void =>
    void checks.push({ name, pass: JSON.stringify(actual) === JSON.stringify(expected), detail: { actual, expected } });

  let pf: PhysicalFunction | undefined;
  await step('inventory', `inventory with ${mode === 'iommu-off' ? 'no VT-d at all' : 'VT-d but no intel_iommu=on'}`, async (c) => {
    const inv = (await t.api('GET', '/v1/inventory')).body as Inventory;
    pf = inv.pfs.find((x) => x.driver === 'igb');
    if (!pf) throw new Error('no igb PF');
    names.set(pf.address, '<PF>');
    if (mode === 'iommu-off') {
      eq(c, 'IOMMU not active, no groups, no unit, no DMAR table', [inv.host.iommu.active, inv.host.iommu.groups, inv.host.iommu.units, inv.host.iommu.acpiTable], [false, 0, [], null]);
    } else {
      // Debian's 6.1 is built with CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y: on by default (but for integrated GPUs).
      eq(c, 'IOMMU active without intel_iommu=on (Debian 6.1 default), DMAR table present', [inv.host.iommu.active, inv.host.iommu.acpiTable], [true, 'DMAR']);
      eq(c, 'cmdline asks for nothing', inv.host.iommu.cmdlineArgs, []);
    }
    return { iommu: { ...inv.host.iommu, groups: inv.host.iommu.groups > 0 }, totalVfs: pf.totalVfs };
  });
  if (!pf) return;
  const pfAddress = pf.address;
  await step('numvfs-2', mode === 'iommu-off' ? 'PUT num-vfs 2: VFs work without an IOMMU' : 'PUT num-vfs 2: VFs in IOMMU groups', async (c) => {
    const a = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 2 });
    const r = a.body as { result: PhysicalFunction };
    eq(c, 'answers 200 with 2 VFs bound to igbvf', [a.status, r.result?.vfs.map((v) => v.driver)], [200, ['igbvf', 'igbvf']]);
    for (const vf of r.result?.vfs ?? []) names.set(vf.address, `<VF${vf.index}>`);
    const groups = r.result?.vfs.map((v) => v.iommuGroup !== null);
    eq(c, mode === 'iommu-off' ? 'no VF has an IOMMU group' : 'every VF has an IOMMU group', groups, mode === 'iommu-off' ? [false, false] : [true, true]);
    pf = r.result;
    return { status: a.status, groups };
  });
  const vf0 = pf?.vfs[0]?.address ?? '';
  await step('bind-vfio', mode === 'iommu-off' ? 'PUT VF 0 driver vfio-pci: refused, no IOMMU group' : 'PUT VF 0 driver vfio-pci: works', async (c) => {
    const a = await t.api('PUT', `/v1/vfs/${vf0}/driver`, { driver: 'vfio-pci' });
    const e = (a.body as ErrorEnvelope).error;
    if (mode === 'iommu-off') {
      eq(c, '422 refused', [a.status, e?.code], [422, 'refused']);
      eq(c, 'message names the missing IOMMU group and what to do', /IOMMU group/.test(e?.message ?? '') && /VT-d/.test(e?.message ?? ''), true);
      eq(c, 'VF 0 still on igbvf', t.readlink(`${DEV}/${vf0}/driver`)?.split('/').pop(), 'igbvf');
    } else {
      eq(c, 'answers 200, bound to vfio-pci', [a.status, (a.body as { result?: VirtualFunction }).result?.driver], [200, 'vfio-pci']);
      await t.api('PUT', `/v1/vfs/${vf0}/driver`, { driver: 'default' });
    }
    return { status: a.status, error: e ?? null };
  });
  if (mode === 'iommu-off') {
    await step('raw-vfio-probe', 'sysfs by hand: driver_override vfio-pci, unbind, drivers_probe: the probe fails, the VF stays unbound', async (c) => {
      const o = await t.rawWrite(`${DEV}/${vf0}/driver_override`, 'vfio-pci');
      const u = await t.rawWrite(`${DEV}/${vf0}/driver/unbind`, vf0);
      const probe = await t.rawWrite('/sys/bus/pci/drivers_probe', vf0);
      const driver = t.readlink(`${DEV}/${vf0}/driver`)?.split('/').pop() ?? null;
      eq(c, 'override and unbind succeed', [o.errno, u.errno], [null, null]);
      eq(c, 'VF left unbound', driver, null);
      const back1 = await t.rawWrite(`${DEV}/${vf0}/driver_override`, '\n');
      const back2 = await t.rawWrite('/sys/bus/pci/drivers_probe', vf0);
      const after = t.readlink(`${DEV}/${vf0}/driver`)?.split('/').pop() ?? null;
      eq(c, 'clearing the override and probing again gives it back to igbvf', [back1.errno, back2.errno, after], [null, null, 'igbvf']);
      return { override: o.errno, unbind: u.errno, drivers_probe: probe.errno, driverAfterProbe: driver, restored: after };
    });
  }
  await step('numvfs-0', 'PUT num-vfs 0', async (c) => {
    const a = await t.api('PUT', `/v1/pfs/${pfAddress}/num-vfs`, { numVfs: 0 });
    eq(c, 'answers 200', a.status, 200);
    return { status: a.status };
  });
}

/**
 * QEMU's NVMe controller with SR-IOV (boot `no-cmdline`): a PF that is not a network device. Its
 * secondary controllers stay offline until `nvme virt-mgmt` gives them queues and interrupts, so
 * the nvme driver must not probe the VFs: autoprobe goes to 0 first, and the VFs are created unbound.
 */
export async function runNvmeScenario(t: Target, emit: Emit): Promise<void> {
  const names = new Map<string, string>();
  const norm = (value: unknown): unknown => {
    let text = JSON.stringify(value ?? null);
    for (const [real, placeholder] of [...names].sort((a, b) => b[0].length - a[0].length)) text = text.split(real).join(placeholder);
    return JSON.parse(text);
  };
  const step = async (id: string, title: string, body: (checks: Check[]) => Promise<unknown>): Promise<void> => {
    const checks: Check[] = [];
    const t0 = performance.now();
    let observation: unknown = null;
    let error: string | undefined;
    try {
      observation = await body(checks);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      checks.push({ name: 'step ran without throwing', pass: false, detail: error });
    }
    emit.step({ id: `nvme/${id}`, title, ms: Math.round(performance.now() - t0), observation: norm(observation), checks, ...(error ? { error } : {}) });
  };
  const eq = (checks: Check[], name: string, actual: unknown, expected: unknown): void =>
    void checks.push({ name, pass: JSON.stringify(actual) === JSON.stringify(expected), detail: { actual, expected } });

  let pf: PhysicalFunction | undefined;
  await step('inventory', 'inventory: the NVMe PF (class 010802, 4 VFs possible)', async (c) => {
    const inv = (await t.api('GET', '/v1/inventory')).body as Inventory;
    pf = inv.pfs.find((x) => x.driver === 'nvme');
    if (!pf) throw new Error(`no nvme PF: ${JSON.stringify(inv.pfs.map((x) => [x.address, x.driver]))}`);
    names.set(pf.address, '<PF>');
    eq(c, 'nvme PF: class, totalVfs 4, no netdev', [pf.classCode, pf.totalVfs, pf.netdev, pf.numVfs], ['010802', 4, null, 0]);
    eq(c, 'vendor/device = sysfs', [pf.vendorId, pf.deviceId], [t.read(`${DEV}/${pf.address}/vendor`)?.slice(2), t.read(`${DEV}/${pf.address}/device`)?.slice(2)]);
    return { classCode: pf.classCode, totalVfs: pf.totalVfs, vendorId: pf.vendorId, deviceId: pf.deviceId, vfDeviceId: pf.vfDeviceId, autoprobe: pf.autoprobe };
  });
  if (!pf) return;
  const address = pf.address;
  await step('numvfs-2', 'autoprobe 0, then PUT num-vfs 2: two unbound VFs with IOMMU groups', async (c) => {
    const w = await t.rawWrite(`${DEV}/${address}/sriov_drivers_autoprobe`, '0');
    eq(c, 'autoprobe 0 written', w.errno, null);
    const a = await t.api('PUT', `/v1/pfs/${address}/num-vfs`, { numVfs: 2 });
    const r = a.body as { result: PhysicalFunction; steps: string[] };
    eq(c, 'answers 200, 2 VFs, unbound, autoprobe false', [a.status, r.result?.vfs.map((v) => v.driver), r.result?.autoprobe], [200, [null, null], false]);
    eq(c, 'each VF has an IOMMU group', r.result?.vfs.map((v) => v.iommuGroup !== null), [true, true]);
    pf = r.result;
    for (const vf of pf?.vfs ?? []) names.set(vf.address, `<VF${vf.index}>`);
    return { status: a.status, steps: r.steps, vfs: r.result?.vfs.map((v) => ({ driver: v.driver, deviceId: v.deviceId, iommuGroup: v.iommuGroup !== null, mac: v.mac })) };
  });
  const vf0 = pf?.vfs[0]?.address ?? '';
  await step('bind-vfio', 'PUT VF 0 driver vfio-pci (works with autoprobe off: driver_override names it)', async (c) => {
    const a = await t.api('PUT', `/v1/vfs/${vf0}/driver`, { driver: 'vfio-pci' });
    const r = a.body as { result?: VirtualFunction; steps?: string[] };
    eq(c, 'answers 200, bound to vfio-pci', [a.status, r.result?.driver], [200, 'vfio-pci']);
    return { status: a.status, steps: r.steps, driver: r.result?.driver };
  });
  await step('bind-default', 'PUT VF 0 driver default with autoprobe off: the agent must name the driver', async (c) => {
    const a = await t.api('PUT', `/v1/vfs/${vf0}/driver`, { driver: 'default' });
    const e = (a.body as ErrorEnvelope).error;
    // The agent's table of default VF drivers holds the HPE NICs only; it says so rather than leaving the VF unbound.
    eq(c, 'refused (422) naming autoprobe and the unknown default driver', [a.status, /autoprobe is off/.test(e?.message ?? '')], [422, true]);
    const after = t.readlink(`${DEV}/${vf0}/driver`)?.split('/').pop() ?? null;
    eq(c, 'VF 0 still on vfio-pci', after, 'vfio-pci');
    return { status: a.status, error: e ?? null, driverAfter: after };
  });
  await step('numvfs-0', 'PUT num-vfs 0 (a VF on vfio-pci, not in a VM: allowed), autoprobe back to 1', async (c) => {
    const a = await t.api('PUT', `/v1/pfs/${address}/num-vfs`, { numVfs: 0 });
    eq(c, 'answers 200', a.status, 200);
    const w = await t.rawWrite(`${DEV}/${address}/sriov_drivers_autoprobe`, '1');
    eq(c, 'autoprobe 1 written', w.errno, null);
    return { status: a.status };
  });
}
