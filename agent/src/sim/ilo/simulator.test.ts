// The iLO simulator spoken to with raw HTTPS, as a real iLO would be: these tests pin down the
// iLO behaviour the Redfish client is built against.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { createIloCertificate, iloOptionsForHost, startIloFleet, startIloSimulator, type IloSimulator, type SimBootEvent, type SimCertificate } from './index';

let certificate: SimCertificate;
let dispatcher: Agent;

beforeAll(async () => {
  certificate = await createIloCertificate({ commonName: 'ILOSIMRAW' });
  dispatcher = new Agent({ connect: { ca: certificate.cert } });
});
afterAll(async () => {
  await dispatcher.close();
});

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Walks raw iLO JSON: dig(body, 'Oem', 'Hpe', 'Manager', 0). */
function dig(value: unknown, ...keys: (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

async function call(sim: IloSimulator, method: string, uri: string, options: { body?: unknown; token?: string; basic?: string; ifMatch?: string; redirect?: 'follow' | 'manual' } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers['X-Auth-Token'] = options.token;
  if (options.basic) headers.Authorization = `Basic ${Buffer.from(options.basic).toString('base64')}`;
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${sim.url}${uri}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    dispatcher,
    redirect: options.redirect ?? 'follow',
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers as unknown as Headers, body: text ? JSON.parse(text) : null };
}

async function login(sim: IloSimulator): Promise<{ token: string; location: string }> {
  const answer = await call(sim, 'POST', '/redfish/v1/SessionService/Sessions/', { body: { UserName: 'admin', Password: 'password' } });
  expect(answer.status).toBe(201);
  return { token: answer.headers.get('x-auth-token')!, location: new URL(answer.headers.get('location')!).pathname };
}

function messageIds(body: unknown): string[] {
  const list = (dig(body, 'error', '@Message.ExtendedInfo') ?? dig(body, 'Messages') ?? []) as { MessageId?: string; MessageID?: string }[];
  return list.map((m) => m.MessageId ?? m.MessageID ?? '');
}

async function withSim(options: Parameters<typeof startIloSimulator>[0], run: (sim: IloSimulator) => Promise<void>): Promise<void> {
  const sim = await startIloSimulator({ certificate, ...options });
  try {
    await run(sim);
  } finally {
    await sim.close();
  }
}

describe('iLO simulator', () => {
  it.each([
    [4, 'Hp', 'iLO 4', '2.80'],
    [5, 'Hpe', 'iLO 5', '2.72'],
    [6, 'Hpe', 'iLO 6', '1.55'],
  ] as const)('serves the iLO %i service root without login', async (generation, oem, managerType, firmware) => {
    await withSim({ generation }, async (sim) => {
      const root = await call(sim, 'GET', '/redfish/v1/');
      expect(root.status).toBe(200);
      expect(dig(root.body, 'Oem', oem, 'Manager', 0)).toMatchObject({ ManagerType: managerType, ManagerFirmwareVersion: firmware });
      const manager = await call(sim, 'GET', '/redfish/v1/Managers/1/', { basic: 'admin:password' });
      expect(dig(manager.body, 'FirmwareVersion')).toBe(`${managerType} v${firmware}`);
    });
  });

  it('answers 401 without credentials and accepts Basic auth', async () => {
    await withSim({ generation: 5 }, async (sim) => {
      const anonymous = await call(sim, 'GET', '/redfish/v1/Systems/1/');
      expect(anonymous.status).toBe(401);
      expect(messageIds(anonymous.body)).toEqual(['Base.1.4.NoValidSession']);
      expect((await call(sim, 'GET', '/redfish/v1/Systems/1/', { basic: 'admin:wrong' })).status).toBe(401);
      const basic = await call(sim, 'GET', '/redfish/v1/Systems/1/', { basic: 'admin:password' });
      expect(basic.body).toMatchObject({ Model: 'ProLiant DL380 Gen10', PowerState: 'On' });
    });
  });

  it('creates sessions up to the limit and deletes them', async () => {
    await withSim({ generation: 5, sessionLimit: 2 }, async (sim) => {
      const a = await login(sim);
      const b = await login(sim);
      expect(a.location).toMatch(/^\/redfish\/v1\/sessionservice\/sessions\/admin[0-9a-f]{24}\/$/);
      const third = await call(sim, 'POST', '/redfish/v1/SessionService/Sessions/', { body: { UserName: 'admin', Password: 'password' } });
      expect(third.status).toBe(403);
      expect(messageIds(third.body)).toEqual(['Base.1.4.SessionLimitExceeded']);
      const listed = await call(sim, 'GET', '/redfish/v1/SessionService/Sessions/', { token: a.token });
      expect(dig(listed.body, 'Members')).toHaveLength(2);
      expect((await call(sim, 'DELETE', a.location, { token: a.token })).status).toBe(200);
      expect((await call(sim, 'GET', '/redfish/v1/Systems/1/', { token: a.token })).status).toBe(401);
      expect((await call(sim, 'DELETE', b.location, { token: b.token })).status).toBe(200);
      expect(sim.openSessions()).toBe(0);
    });
  });

  it('drops sessions that idle longer than the session timeout, freeing their slots', async () => {
    await withSim({ generation: 6, sessionLimit: 1, sessionTimeoutMs: 60 }, async (sim) => {
      const { token } = await login(sim);
      expect((await call(sim, 'GET', '/redfish/v1/Systems/1', { token })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await call(sim, 'GET', '/redfish/v1/Systems/1', { token })).status).toBe(401);
      await login(sim);
      expect(sim.openSessions()).toBe(1);
    });
  });

  it('accepts a PATCH in the wrong shape with 200 and ignores it, like the real iLO 5', async () => {
    await withSim({ generation: 5 }, async (sim) => {
      const { token } = await login(sim);
      const wrong = await call(sim, 'PATCH', '/redfish/v1/systems/1/bios/settings/', { token, body: { Sriov: 'Enabled' } });
      expect(wrong.status).toBe(200);
      expect(messageIds(wrong.body)).toEqual(['iLO.2.14.SystemResetRequired']);
      const settings = await call(sim, 'GET', '/redfish/v1/systems/1/bios/settings/', { token });
      expect(dig(settings.body, 'Attributes', 'Sriov')).toBe('Disabled');
      expect(sim.machine.stats.ignoredBiosPatches).toBe(1);
    });
  });

  it('takes iLO 4 attributes at the top level and ignores an Attributes wrapper', async () => {
    await withSim({ generation: 4 }, async (sim) => {
      const { token } = await login(sim);
      const wrapped = await call(sim, 'PATCH', '/redfish/v1/Systems/1/bios/Settings/', { token, body: { Attributes: { Sriov: 'Enabled' } } });
      expect(wrapped.status).toBe(200);
      expect(messageIds(wrapped.body)).toEqual(['iLO.0.10.SystemResetRequired']);
      expect(sim.machine.pending).toEqual({});
      await call(sim, 'PATCH', '/redfish/v1/Systems/1/bios/Settings/', { token, body: { Sriov: 'Enabled' } });
      expect(sim.machine.pending).toEqual({ Sriov: 'Enabled' });
      const bios = await call(sim, 'GET', '/redfish/v1/Systems/1/bios/', { token });
      expect(dig(bios.body, 'Sriov')).toBe('Disabled');
      expect(dig(bios.body, '@Redfish.Settings', 'Messages', 0)).toEqual({ MessageID: 'Base.0.10.Success' });
    });
  });

  it('applies pending values only at a server reset, reports invalid ones after it, and calls the reset hook', async () => {
    const boots: SimBootEvent[] = [];
    await withSim({ generation: 6, onReset: (event) => void boots.push(event) }, async (sim) => {
      const { token } = await login(sim);
      const settingsUri = '/redfish/v1/Systems/1/Bios/Settings';
      const read = await call(sim, 'GET', settingsUri, { token });
      const etag = read.headers.get('etag')!;
      const patched = await call(sim, 'PATCH', settingsUri, { token, ifMatch: etag, body: { Attributes: { Sriov: 'Enabled', IntelProcVtd: 'Maybe', Bogus: 'x' } } });
      expect(patched.status).toBe(200);
      // Resetting the iLO applies nothing (and drops the sessions).
      await call(sim, 'POST', '/redfish/v1/Managers/1/Actions/Manager.Reset', { token, body: {} });
      await expect.poll(() => sim.openSessions()).toBe(0);
      expect(sim.machine.current.Sriov).toBe('Disabled');

      const again = await login(sim);
      const reset = await call(sim, 'POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset', { token: again.token, body: { ResetType: 'ForceRestart' } });
      expect(reset.status).toBe(200);
      const bios = await call(sim, 'GET', '/redfish/v1/Systems/1/Bios', { token: again.token });
      expect(dig(bios.body, 'Attributes')).toMatchObject({ Sriov: 'Enabled', IntelProcVtd: 'Disabled' });
      expect(dig(bios.body, 'Attributes')).not.toHaveProperty('Bogus');
      expect(dig(bios.body, '@Redfish.Settings', 'Messages')).toEqual([
        { MessageId: 'Base.1.13.PropertyValueNotInList', MessageArgs: ['Maybe', 'IntelProcVtd'], RelatedProperties: ['#/Attributes/IntelProcVtd'] },
        { MessageId: 'Base.1.13.PropertyUnknown', MessageArgs: ['Bogus'], RelatedProperties: ['#/Attributes/Bogus'] },
      ]);
      await expect.poll(() => boots.length).toBe(1);
      expect(boots[0]).toMatchObject({ resetType: 'ForceRestart', sriov: true, iommu: false });
    });
  });

  it('rejects a stale If-Match with 412', async () => {
    await withSim({ generation: 5 }, async (sim) => {
      const { token } = await login(sim);
      const stale = (await call(sim, 'GET', '/redfish/v1/systems/1/bios/settings/', { token })).headers.get('etag')!;
      await call(sim, 'PATCH', '/redfish/v1/systems/1/bios/settings/', { token, body: { Attributes: { Sriov: 'Enabled' } } });
      const conflict = await call(sim, 'PATCH', '/redfish/v1/systems/1/bios/settings/', { token, ifMatch: stale, body: { Attributes: { Sriov: 'Disabled' } } });
      expect(conflict.status).toBe(412);
    });
  });

  it('forces and locks attributes by workload profile at boot', async () => {
    await withSim({ generation: 5 }, async (sim) => {
      sim.machine.recordPending({ WorkloadProfile: 'I/OThroughput', Sriov: 'Enabled' });
      sim.machine.reset('ForceRestart');
      expect(sim.machine.current).toMatchObject({ WorkloadProfile: 'I/OThroughput', Sriov: 'Disabled' });
      expect(sim.machine.settingsMessages).toEqual([{ messageId: 'Base.1.4.PropertyNotWritable', args: ['Sriov'], relatedProperty: '#/Attributes/Sriov' }]);
      const registry = await call(sim, 'GET', '/redfish/v1/registrystore/registries/en/biosattributeregistryu30.v1_2_68/', { basic: 'admin:password' });
      type Dependency = { DependencyFor: string; Dependency: { MapFrom: { MapFromValue: string }[]; MapToProperty: string; MapToValue: unknown } };
      const dependencies = dig(registry.body, 'RegistryEntries', 'Dependencies') as Dependency[];
      const sriovLocks = dependencies.filter((d) => d.DependencyFor === 'Sriov' && d.Dependency.MapFrom[0]?.MapFromValue === 'I/OThroughput');
      expect(sriovLocks.map((d) => [d.Dependency.MapToProperty, d.Dependency.MapToValue])).toEqual([
        ['CurrentValue', 'Disabled'],
        ['ReadOnly', true],
      ]);
    });
  });

  it('refuses a restart while powered off', async () => {
    await withSim({ generation: 5, powerState: 'Off' }, async (sim) => {
      const { token, location } = await login(sim);
      const refused = await call(sim, 'POST', '/redfish/v1/systems/1/actions/computersystem.reset/', { token, body: { ResetType: 'ForceRestart' } });
      expect(refused.status).toBe(400);
      expect(messageIds(refused.body)).toEqual(['iLO.2.14.InvalidOperationForSystemState']);
      const system = await call(sim, 'GET', '/redfish/v1/systems/1/', { token });
      expect(dig(system.body, 'Actions', '#ComputerSystem.Reset', 'ResetType@Redfish.AllowableValues')).toContain('GracefulRestart');
      await call(sim, 'DELETE', location, { token });
    });
  });

  it('redirects URIs without a trailing slash with 308 on iLO 5 and matches them case-insensitively', async () => {
    await withSim({ generation: 5 }, async (sim) => {
      const redirect = await call(sim, 'GET', '/redfish/v1/Systems/1', { basic: 'admin:password', redirect: 'manual' });
      expect(redirect.status).toBe(308);
      expect(redirect.headers.get('location')).toBe('/redfish/v1/Systems/1/');
      const mixed = await call(sim, 'GET', '/REDFISH/v1/SYSTEMS/1/', { basic: 'admin:password' });
      expect(dig(mixed.body, 'Id')).toBe('1');
    });
    await withSim({ generation: 6 }, async (sim) => {
      expect((await call(sim, 'GET', '/redfish/v1/Systems/1', { basic: 'admin:password', redirect: 'manual' })).status).toBe(200);
    });
  });

  it('answers 503 with Retry-After while busy, then normally; adds latency', async () => {
    await withSim({ generation: 5, busy: { requests: 2, retryAfterSeconds: 3, messageId: 'ResourceNotReadyRetry' } }, async (sim) => {
      const first = await call(sim, 'GET', '/redfish/v1/');
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('3');
      expect(messageIds(first.body)).toEqual(['Base.1.4.ResourceNotReadyRetry']);
      expect((await call(sim, 'GET', '/redfish/v1/')).status).toBe(503);
      expect((await call(sim, 'GET', '/redfish/v1/')).status).toBe(200);
      sim.setLatency(120);
      const started = Date.now();
      await call(sim, 'GET', '/redfish/v1/');
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    });
  });

  it('exposes state and fault injection under /__sim/', async () => {
    await withSim({ generation: 5 }, async (sim) => {
      const faults = await call(sim, 'POST', '/__sim/faults', { body: { busyRequests: 1 } });
      expect(faults.body).toEqual({ busyRequests: 1, latencyMs: 0 });
      expect((await call(sim, 'GET', '/redfish/v1/')).status).toBe(503);
      await login(sim);
      const state = await call(sim, 'GET', '/__sim/state');
      expect(state.body).toMatchObject({ generation: 5, powerState: 'On', openSessions: 1, bios: { Sriov: 'Disabled' } });
      expect((await call(sim, 'POST', '/__sim/power', { body: { state: 'Off' } })).body).toEqual({ powerState: 'Off' });
      expect(sim.machine.powerState).toBe('Off');
      expect((await call(sim, 'POST', '/__sim/power', { body: { state: 'sideways' } })).status).toBe(400);
    });
  });

  it('serves a fleet of iLOs from one process, each with its own port, certificate and state', async () => {
    const fleet = await startIloFleet([
      { name: 'r1-u01', generation: 4 },
      { name: 'r1-u02', generation: 5 },
      { name: 'r1-u03', generation: 6, cpu: 'amd' },
    ]);
    try {
      expect(new Set(fleet.ilos.map((i) => i.port)).size).toBe(3);
      expect(new Set(fleet.ilos.map((i) => i.certificate.fingerprint256)).size).toBe(3);
      const u02 = fleet.byName('r1-u02')!;
      u02.machine.recordPending({ Sriov: 'Enabled' });
      u02.machine.reset('ForceRestart');
      expect(fleet.ilos.map((i) => i.machine.current.Sriov)).toEqual(['Disabled', 'Enabled', 'Disabled']);
      expect(fleet.byName('r1-u03')!.machine.current).toHaveProperty('ProcAmdIoVt');
      expect(new Set(fleet.ilos.map((i) => i.machine.serialNumber)).size).toBe(3);
    } finally {
      await fleet.close();
    }
  });

  it('describes the same server as a host profile: model, CPU, BIOS, NICs at the same PCI addresses', async () => {
    const options = iloOptionsForHost({
      model: 'ProLiant DL385 Gen10 Plus v2',
      iloGeneration: 'iLO 5',
      cpuVendor: 'amd',
      bios: { sriov: false, iommu: true },
      nics: [
        {
          hpeName: 'HPE Ethernet 10/25Gb 2-port 640SFP28 Adapter', chip: 'Mellanox ConnectX-4 Lx', vendorId: '15b3', pfDeviceId: '1015',
          subsystemVendorId: '1590', subsystemDeviceId: '00d4', totalVfsPerPort: 8, ports: 2, bus: 0x41, slot: 2,
        },
      ],
    });
    const boots: { sriov: boolean; iommu: boolean }[] = [];
    await withSim({ ...options, onReset: (event) => void boots.push({ sriov: event.sriov, iommu: event.iommu }) }, async (sim) => {
      expect(sim.machine.model).toBe('ProLiant DL385 Gen10 Plus v2');
      expect(sim.machine.current).toMatchObject({ Sriov: 'Disabled', ProcAmdIoVt: 'Enabled' });
      const pci = await call(sim, 'GET', '/redfish/v1/Systems/1/PCIDevices/2/', { basic: 'admin:password' });
      expect(pci.body).toMatchObject({ StructuredName: 'NIC.Slot.2.2', VendorID: 0x15b3, DeviceID: 0x1015, BusNumber: 0x41, FunctionNumber: 1 });
      sim.machine.recordPending({ Sriov: 'Enabled' });
      sim.machine.reset('ForceRestart');
      await expect.poll(() => boots).toEqual([{ sriov: true, iommu: true }]);
    });
  });
});
