import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { FleetPage } from '../lib/inventory/fleet';
import { signIn } from './fixtures/auth';
import { demoHost } from './fixtures/demo-fleet';

// The whole shape against the demo stack: the server, the simulated hosts' agents and their iLO
// simulators, each a real process. These specs change the fleet (project "change", after the
// read-only specs), each on a host no other spec uses: kvm-a04 (the fix and its reboot), kvm-a03
// (an operator's assign), kvm-d04 (power on), kvm-a02 (drift), kvm-c02 (two reboots, timed).

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/flow-${name}.png`, fullPage: true });

async function hostId(page: Page, name: string): Promise<string> {
  const response = await page.request.get(`/api/hosts?q=${encodeURIComponent(name)}`);
  const host = ((await response.json()) as FleetPage).hosts.find((h) => h.name === name);
  expect(host, `demo host ${name}`).toBeDefined();
  return host!.id;
}

async function openHost(page: Page, name: string) {
  await page.goto(`/hosts/${await hostId(page, name)}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

const link = (page: Page, label: string) => page.getByRole('listitem', { name: new RegExp(`^${label}: `) });
const timeline = (page: Page) => page.getByRole('list', { name: 'Operations, newest first' }).getByRole('listitem');

test('an admin takes an unready host to ready with one fix and one real reboot, then 8 VFs, a VF assigned by clicking and released', async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page.request, 'admin');
  await openHost(page, 'kvm-a04');
  await expect(link(page, 'BIOS')).toHaveAccessibleName('BIOS: failing');
  await expect(link(page, 'Kernel IOMMU')).toHaveAccessibleName('Kernel IOMMU: failing');
  await shot(page, '1-not-ready');

  // 1. One fix for one cause: SR-IOV and VT-d off in BIOS fail both links; one BIOS change, one reboot.
  const fix = page.getByRole('region', { name: 'Fix: what makes kvm-a04 SR-IOV ready' });
  await expect(fix).toContainText('1 reboot');
  await fix.getByRole('button', { name: 'Apply the fix…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Fix kvm-a04' });
  await expect(dialog).toContainText('Enable SR-IOV and VT-d in BIOS');
  await expect(dialog).toContainText('The fix needs 1 reboot');
  for (const vm of demoHost('kvm-a04').vms.filter((v) => v.state === 'running')) await expect(dialog.getByRole('listitem').filter({ hasText: vm.name })).toBeVisible();
  await shot(page, '2-fix-dialog');
  await dialog.getByRole('button', { name: 'Apply and reboot' }).click();
  await expect(dialog).toBeHidden();

  // 2. The BIOS change goes through the iLO, then the host really restarts: its agent goes away
  // (the page says so), then comes back.
  await expect(timeline(page).filter({ hasText: 'Set BIOS Sriov=Enabled, IntelProcVtd=Enabled' })).toContainText('Succeeded', { timeout: 30_000 });
  await expect(page.getByRole('region', { name: 'The host is restarting' })).toBeVisible({ timeout: 20_000 });
  await shot(page, '4-restarting');
  const reset = timeline(page).filter({ hasText: 'Graceful restart of kvm-a04' });
  await expect(reset).toContainText('Succeeded', { timeout: 90_000 });
  // One reboot for the whole fix.
  await expect(reset).toHaveCount(1);
  await expect(fix).toBeHidden();

  // Ready from what the agent reports after the boot: IOMMU groups, not only the BIOS flags.
  await expect(link(page, 'BIOS')).toHaveAccessibleName('BIOS: ok');
  await expect(link(page, 'Kernel IOMMU')).toHaveAccessibleName('Kernel IOMMU: ok');
  const id = await hostId(page, 'kvm-a04');
  const resets = (await (await page.request.get(`/api/hosts/${id}/operations`)).json()).operations.filter((op: { kind: string }) => op.kind === 'reset-host');
  expect(resets).toHaveLength(1);
  const host = await (await page.request.get(`/api/hosts/${id}`)).json();
  expect(host.iommuActive).toBe(true);
  expect(host.readiness.verdict).toBe('ready');
  await shot(page, '5-ready');

  // 3. Set the first PF to 8 VFs.
  const pf = host.physicalFunctions.find((p: { totalVfs: number }) => p.totalVfs > 0).pciAddress as string;
  const count = page.getByRole('form', { name: `VF count of ${pf}` });
  await count.getByRole('spinbutton').fill('8');
  await count.getByRole('button', { name: 'Apply' }).click();
  // 0 → 8 asks too: which VMs it affects (none), before anything is sent.
  const confirm = page.getByRole('dialog', { name: `Change the VF count of ${pf}` });
  await expect(confirm).toContainText('None: no VM holds a VF of this PF');
  await confirm.getByRole('button', { name: 'Set 8 VFs' }).click();
  const grid = page.getByRole('list', { name: `VFs of ${pf}` });
  await expect(grid.getByRole('button')).toHaveCount(8, { timeout: 30_000 });
  await expect(timeline(page).filter({ hasText: `Set ${pf} to 8 VFs` })).toContainText('Succeeded');
  await shot(page, '6-eight-vfs');

  // A VF without a MAC set says so in words: never 00:00:00:00:00:00 as if it were a MAC.
  await page.getByText(`VF details (8)`).first().click();
  const details = page.getByRole('table', { name: `Virtual functions of ${pf}` });
  await expect(details.getByRole('row').filter({ hasText: /^3/ })).toContainText('none set');
  await expect(page.getByRole('main')).not.toContainText('00:00:00:00:00:00');

  // 4. Click a free VF, pick a VM, assign without a MAC: the VF gets one of its own, read back from the agent.
  const vf = grid.getByRole('button', { name: /^VF 3 / });
  await vf.click();
  const assign = page.getByRole('dialog', { name: /^Assign VF 3 of / });
  await expect(assign).toContainText('Left empty, the VF gets a MAC of its own (locally administered, 02:…)');
  await assign.getByRole('radio', { name: /^web-01/ }).check();
  await assign.getByLabel('VLAN').fill('204');
  await shot(page, '7-assign-dialog');
  await assign.getByRole('button', { name: 'Assign' }).click();
  await expect(vf).toHaveAccessibleName('VF 3 assigned to web-01', { timeout: 30_000 });
  const vfsOf = async (vm: string) => ((await (await page.request.get(`/api/vms?hostId=${id}`)).json()).vms.find((v: { name: string }) => v.name === vm)?.vfs ?? []) as { index: number; mac: string | null; vlan: number | null }[];
  const [given] = await vfsOf('web-01');
  expect(given).toMatchObject({ index: 3, vlan: 204 });
  // Locally administered (the second hex digit 2, 6, a or e), unicast, not zeros.
  expect(given!.mac).toMatch(/^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/);
  await vf.click();
  const opened = page.getByRole('dialog', { name: 'VF 3 of ' + pf });
  await expect(opened).toContainText(given!.mac!);
  await shot(page, '8-assigned');

  // 5. Release it; given to another VM, it keeps its MAC.
  await opened.getByRole('button', { name: 'Release…' }).click();
  await opened.getByRole('button', { name: 'Release VF 3' }).click();
  await expect(vf).toHaveAccessibleName(/^VF 3 (free|bound to vfio-pci)$/, { timeout: 30_000 });
  await expect(timeline(page).filter({ hasText: 'Release VF 3 of' }).first()).toContainText('Succeeded');
  await vf.click();
  const again = page.getByRole('dialog', { name: /^Assign VF 3 of / });
  await expect(again).toContainText(`Left empty, the VF keeps the MAC it was given, ${given!.mac}`);
  await again.getByRole('radio', { name: /^web-02/ }).check();
  await again.getByRole('button', { name: 'Assign' }).click();
  await expect(vf).toHaveAccessibleName('VF 3 assigned to web-02', { timeout: 30_000 });
  expect((await vfsOf('web-02'))[0]?.mac).toBe(given!.mac);
  await vf.click();
  await page.getByRole('dialog').getByRole('button', { name: 'Release…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Release VF 3' }).click();
  await expect(vf).toHaveAccessibleName(/^VF 3 (free|bound to vfio-pci)$/, { timeout: 30_000 });
  await shot(page, '9-released');

  // Every step is on record with who asked for it.
  const audit = await (await page.request.get(`/api/audit?hostId=${id}&pageSize=100`)).json();
  const actions = audit.events.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`);
  for (const kind of ['set-bios', 'reset-host', 'set-vf-count', 'assign-vf', 'release-vf']) expect(actions).toContain(`admin ${kind}.succeeded`);
});

test('an operator assigns a free VF by clicking and sees it assigned without a reload; releasing frees it', async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page.request, 'operator');
  await openHost(page, 'kvm-a03');
  await expect(page.getByRole('button', { name: /in BIOS$/ })).toHaveCount(0);
  const grid = page.getByRole('list', { name: /^VFs of / }).first();
  const tile = grid.getByRole('button', { name: /^VF \d+ (free|bound to vfio-pci)$/ }).first();
  const index = (await tile.getAttribute('aria-label'))!.match(/^VF (\d+)/)![1];
  const vf = grid.getByRole('button', { name: new RegExp(`^VF ${index} `) });
  await tile.click();

  const dialog = page.getByRole('dialog', { name: new RegExp(`^Assign VF ${index} of `) });
  // kvm-a03's E810 sits on NUMA node 0: its VMs there come first, marked.
  const vmName = demoHost('kvm-a03').vms.filter((vm) => vm.numaNode === 0).map((vm) => vm.name).sort()[0]!;
  await dialog.getByRole('radio', { name: new RegExp(`^${vmName}.*same NUMA node`) }).check();
  await dialog.getByLabel('VLAN').fill('300');
  await dialog.getByRole('button', { name: 'Assign' }).click();
  await expect(dialog).toBeHidden();
  await expect(vf).toHaveAccessibleName(`VF ${index} assigned to ${vmName}`, { timeout: 20_000 });
  const latest = timeline(page).first();
  await expect(latest).toContainText(`Assign VF ${index} of`);
  await expect(latest).toContainText('Succeeded');
  await expect(latest).toContainText('operator');

  await vf.click();
  await page.getByRole('button', { name: 'Release…' }).click();
  await page.getByRole('button', { name: `Release VF ${index}` }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(vf).toHaveAccessibleName(new RegExp(`^VF ${index} (free|bound to vfio-pci)$`), { timeout: 20_000 });
});

test('a powered-off host: the page shows the iLO power state with the agent unreachable, and an admin powers it on through the iLO', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page.request, 'admin');
  await openHost(page, 'kvm-d04');
  const banner = page.getByRole('region', { name: 'The agent has never reported' });
  await expect(banner).toContainText('iLO power state');
  await expect(banner).toContainText('Off');
  await shot(page, 'power-off');
  await banner.getByRole('button', { name: 'Power on through iLO' }).click();
  await expect(timeline(page).filter({ hasText: 'Power on kvm-d04' })).toContainText('Succeeded', { timeout: 60_000 });
  const host = await (await page.request.get(`/api/hosts/${await hostId(page, 'kvm-d04')}`)).json();
  expect(host.agentStatus).toBe('online');
  expect(host.powerState).toBe('On');
  await expect(page.getByRole('button', { name: /^VF \d+ assigned to batch-01/ }).first()).toBeVisible({ timeout: 20_000 });
  await shot(page, 'power-on');
});

test('during a reboot the page says since when, against how long this host usually takes, and marks what it shows as last known', async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page.request, 'admin');
  await openHost(page, 'kvm-c02');
  // VT-d is pending: the fix is the reboot alone.
  const fix = page.getByRole('region', { name: 'Fix: what makes kvm-c02 SR-IOV ready' });
  await expect(fix).toContainText('1 reboot');
  await expect(link(page, 'Kernel IOMMU')).toContainText('Applied by the reboot');

  const reboot = async (from: 'fix' | 'header') => {
    await (from === 'fix' ? fix : page.getByRole('main')).getByRole('button', { name: 'Reboot through iLO…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Reboot kvm-c02 through iLO' });
    await dialog.getByRole('button', { name: 'Reboot', exact: true }).click();
    await expect(dialog).toBeHidden();
    const banner = page.getByRole('region', { name: 'The host is restarting' });
    await expect(banner).toContainText(/Started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; restarting for \d+ s/, { timeout: 20_000 });
    return banner;
  };

  // The first reboot has nothing to compare with; what the page shows is marked with when it was read.
  const first = await reboot('fix');
  await expect(first).toContainText('no earlier reset of this host or its model is on record to compare with');
  await expect(page.getByRole('region', { name: /^Virtual machines/ })).toContainText(/last known · read \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  await expect(page.getByRole('region', { name: /^Virtual machines/ }).getByRole('row').filter({ hasText: 'app-31' })).toContainText('was running');
  await expect(page.getByRole('region', { name: 'Operating system' })).toContainText('last known · read');
  await shot(page, 'reboot-first');
  const resets = timeline(page).filter({ hasText: 'Graceful restart of kvm-c02' });
  await expect(resets.first()).toContainText('Succeeded', { timeout: 90_000 });
  await expect(page.getByRole('region', { name: 'Operating system' })).not.toContainText('last known');
  await expect(link(page, 'Kernel IOMMU')).toHaveAccessibleName('Kernel IOMMU: ok');
  // The fix card goes once the BIOS is read again with nothing pending; only then is the header's reboot offered.
  await expect(fix).toBeHidden({ timeout: 30_000 });

  // The second one, from the header: now it says how long this host took.
  const second = await reboot('header');
  await expect(second).toContainText(/it usually takes about \d+ s \(median of this host’s last reset\)/);
  await shot(page, 'reboot-second');
  await expect(resets).toHaveCount(2);
  await expect(resets.first()).toContainText('Succeeded', { timeout: 90_000 });
});

test('a change made on a host behind the dashboard’s back shows as drift on its page', async ({ page }) => {
  await signIn(page.request, 'operator');
  const id = await hostId(page, 'kvm-a02');
  const host = await (await page.request.get(`/api/hosts/${id}`)).json();
  const pf = host.physicalFunctions.find((p: { currentVfs: number; virtualFunctions: { assignment: unknown }[] }) => p.currentVfs > 0 && p.virtualFunctions.every((v) => v.assignment === null));
  expect(pf, 'a PF of kvm-a02 with VFs and none assigned').toBeDefined();

  // The simulated host's agent, as someone with a shell on the host would use it.
  const port = process.env.E2E_PORT ?? '3210';
  const line = fs.readFileSync(`data/demo-fleet-${port}.jsonl`, 'utf8').split('\n').find((l) => l.includes('"hostname":"kvm-a02"'))!;
  const agentUrl = (JSON.parse(line) as { agent: { url: string } }).agent.url;
  const token = fs.readFileSync('data/demo-agent-token', 'utf8').trim();
  const changed = await page.request.put(`${agentUrl}/v1/pfs/${pf.pciAddress}/num-vfs`, { headers: { authorization: `Bearer ${token}` }, data: { numVfs: 2 } });
  expect(changed.status()).toBe(200);

  await page.goto(`/hosts/${id}`);
  await page.getByRole('button', { name: 'Refresh now' }).click();
  const drift = page.getByRole('region', { name: 'Drift' });
  await expect(drift).toContainText(pf.pciAddress, { timeout: 20_000 });
  await expect(drift).toContainText(String(pf.currentVfs));
  await expect(drift).toContainText('2');
  await shot(page, 'drift');
});
