import { expect, test, type Page } from '@playwright/test';
import type { FleetPage } from '../lib/inventory/fleet';
import { signIn } from './fixtures/auth';
import { demoHost } from './fixtures/demo-fleet';

// The host page on the demo fleet, without changing it (other specs read the same fleet, e.g. an
// empty change history): what each role is offered, and the dialogs. Passes on the simulated fleet
// and on seeded rows alike. kvm-a01: 560SFP+ on NUMA node 0 with VFs in use; kvm-a04: BIOS Sriov
// disabled; kvm-c02: VT-d enabled but pending a reboot.

async function openHost(page: Page, name: string) {
  const response = await page.request.get(`/api/hosts?q=${encodeURIComponent(name)}`);
  expect(response.status()).toBe(200);
  const host = ((await response.json()) as FleetPage).hosts.find((h) => h.name === name);
  expect(host, `demo host ${name}`).toBeDefined();
  await page.goto(`/hosts/${host!.id}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

// page.request shares the browser's cookies, so signing in through it signs the page in.
const as = (role: 'viewer' | 'operator' | 'admin') => async ({ page }: { page: Page }) => void (await signIn(page.request, role));
const vfTiles = (page: Page) => page.getByRole('list', { name: /^VFs of / }).getByRole('button');
const vmsOf = (name: string) => demoHost(name).vms;

test.describe('a viewer', () => {
  test.beforeEach(as('viewer'));

  test('sees the VF grid and readiness fixes but no control that changes the host', async ({ page }) => {
    await openHost(page, 'kvm-a01');
    await expect(vfTiles(page).first()).toBeVisible();
    await expect(page.getByRole('button', { name: /^VF \d+ assigned to vnf-fw-01/ }).first()).toBeVisible();
    for (const count of await page.getByRole('spinbutton', { name: /^VF count of / }).all()) await expect(count).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Apply' })).toHaveCount(0);

    await page.getByRole('button', { name: /^VF \d+ (free|bound to vfio-pci)$/ }).first().click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('needs the operator or admin role');
    await expect(dialog.getByRole('button', { name: /Assign|Release/ })).toHaveCount(0);
    await expect(dialog.getByRole('radio')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();

    await openHost(page, 'kvm-a04');
    const bios = page.getByRole('listitem', { name: 'BIOS: failing' });
    await expect(bios).toContainText('Fix:');
    await expect(bios.getByRole('button')).toHaveCount(0);
    const fix = page.getByRole('region', { name: 'Fix: what makes kvm-a04 SR-IOV ready' });
    await expect(fix).toContainText('An admin can apply this fix');
    await expect(fix.getByRole('button')).toHaveCount(0);
  });
});

test.describe('an operator', () => {
  test.beforeEach(as('operator'));

  test('is asked before any VF count change, told which VMs it affects, and not offered one the VMs forbid', async ({ page }) => {
    // kvm-c02's 560SFP+ has no VFs yet: 0 → 8 asks too, and says no VM is affected.
    await openHost(page, 'kvm-c02');
    const pf = page.getByRole('form', { name: /^VF count of / }).first();
    await pf.getByRole('spinbutton').fill('8');
    await pf.getByRole('button', { name: 'Apply' }).click();
    let dialog = page.getByRole('dialog', { name: /^Change the VF count of / });
    await expect(dialog).toContainText('From 0 to 8 VFs. Creates 8 VFs on this PF.');
    await expect(dialog).toContainText('VMs affected');
    await expect(dialog).toContainText('None: no VM holds a VF of this PF');
    await expect(dialog).toContainText('The ixgbe driver resets the port');
    await expect(dialog.getByRole('button', { name: 'Set 8 VFs' })).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/vf-count-0-to-8.png', fullPage: true });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();

    // kvm-a01's VMs hold VFs of its first PF: the dialog names them and offers no way to go on.
    await openHost(page, 'kvm-a01');
    const hostJson = await (await page.request.get(page.url().replace('/hosts/', '/api/hosts/'))).json();
    type Vf = { assignment: { vm: { name: string } } | null };
    const holders = new Set<string>(
      hostJson.physicalFunctions
        .find((p: { pciAddress: string }) => p.pciAddress === '0000:12:00.0')
        .virtualFunctions.flatMap((v: Vf) => (v.assignment ? [v.assignment.vm.name] : [])),
    );
    expect(holders.size).toBeGreaterThan(0);
    const held = page.getByRole('form', { name: 'VF count of 0000:12:00.0' });
    await held.getByRole('spinbutton').fill('4');
    await held.getByRole('button', { name: 'Apply' }).click();
    dialog = page.getByRole('dialog', { name: 'Change the VF count of 0000:12:00.0' });
    for (const vm of holders) await expect(dialog.getByRole('listitem').filter({ hasText: vm })).toContainText(/\(VF \d+(, \d+)*\)/);
    await expect(dialog).toContainText('Release them first');
    await expect(dialog.getByRole('button', { name: /^Set \d+ VFs$/ })).toHaveCount(0);
    await page.screenshot({ path: 'test-results/screenshots/vf-count-held.png', fullPage: true });
    await dialog.getByRole('button', { name: /^Keep \d+ VFs$/ }).click();
    await expect(dialog).toBeHidden();
  });

  test('may change VFs but is not offered BIOS changes or reboots', async ({ page }) => {
    await openHost(page, 'kvm-a04');
    await expect(page.getByRole('spinbutton', { name: /^VF count of / }).first()).toBeEnabled();
    await expect(page.getByRole('listitem', { name: 'BIOS: failing' }).getByRole('button')).toHaveCount(0);
    await openHost(page, 'kvm-c02');
    await expect(page.getByRole('button', { name: 'Reboot through iLO' })).toHaveCount(0);
  });

  test('clicking a free VF opens a modal listing the host’s VMs, same NUMA node first; Escape closes it', async ({ page }) => {
    await openHost(page, 'kvm-a01');
    const grid = page.getByRole('list', { name: /^VFs of / }).first();
    const tile = grid.getByRole('button', { name: /^VF \d+ (free|bound to vfio-pci)$/ }).first();
    const tileName = (await tile.getAttribute('aria-label'))!;
    await tile.click();

    const dialog = page.getByRole('dialog', { name: /^Assign VF \d+ of 0000:12:00\.\d$/ });
    await expect(dialog).toBeVisible();
    const radios = dialog.getByRole('radio');
    await expect(radios).toHaveCount(vmsOf('kvm-a01').length);
    // The PF is on NUMA node 0: vnf-fw-01 and vnf-fw-02 come first and say so; upf-01 (node 1) does not.
    const sameNode = vmsOf('kvm-a01').filter((vm) => vm.numaNode === 0).map((vm) => vm.name).sort();
    for (const [i, name] of sameNode.entries()) {
      await expect(radios.nth(i)).toHaveAccessibleName(new RegExp(`^${name}.*same NUMA node`));
    }
    await expect(dialog.getByRole('radio', { name: /^upf-01/ })).not.toHaveAccessibleName(/same NUMA node/);
    await expect(dialog.getByLabel('MAC address')).toBeVisible();
    await expect(dialog.getByLabel('VLAN')).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Assign' })).toBeVisible();

    // A real modal: focus starts inside and Tab never leaves it.
    await expect(radios.first()).toBeFocused();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog[open]')))).toBe(true);
    }

    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    // Focus goes back to the tile that opened it.
    await expect(grid.getByRole('button', { name: tileName, exact: true })).toBeFocused();
  });

  test('an out-of-range VLAN keeps the dialog open and queues nothing', async ({ page }) => {
    await openHost(page, 'kvm-a01');
    const grid = page.getByRole('list', { name: /^VFs of / }).first();
    const tile = grid.getByRole('button', { name: /^VF \d+ (free|bound to vfio-pci)$/ }).first();
    const tileName = (await tile.getAttribute('aria-label'))!;
    await tile.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio').first().check();
    await dialog.getByLabel('VLAN').fill('5000');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await expect(dialog).toBeVisible();
    expect(await dialog.getByLabel('VLAN').evaluate((input: HTMLInputElement) => input.validity.rangeOverflow)).toBe(true);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    // Still free, not "in progress": nothing was sent.
    await expect(grid.getByRole('button', { name: tileName, exact: true })).toBeVisible();
  });
});

test.describe('an admin', () => {
  test.beforeEach(as('admin'));

  test('is offered one fix for the BIOS and kernel IOMMU links, which share a cause, and told it needs one reboot', async ({ page }) => {
    await openHost(page, 'kvm-a04');
    // Both failing links point at the same step: VT-d off in BIOS is why the kernel has no IOMMU.
    for (const name of ['BIOS: failing', 'Kernel IOMMU: failing']) {
      await expect(page.getByRole('listitem', { name })).toContainText('Step 1 of the fix below: Enable SR-IOV and VT-d in BIOS');
    }
    await expect(page.getByRole('button', { name: /Enable VT-d in BIOS/ })).toHaveCount(0);
    const fix = page.getByRole('region', { name: 'Fix: what makes kvm-a04 SR-IOV ready' });
    const steps = fix.getByRole('list', { name: 'Steps of the fix' }).getByRole('listitem');
    await expect(steps).toHaveCount(2);
    await expect(steps.nth(0)).toHaveAccessibleName('Step 1: Enable SR-IOV and VT-d in BIOS');
    await expect(steps.nth(0)).toContainText('Fixes BIOS, Kernel IOMMU');
    await expect(steps.nth(1)).toHaveAccessibleName('Step 2: Reboot through the iLO');
    await expect(fix).toContainText('the fix needs 1 reboot');
    await expect(fix.getByRole('button')).toHaveCount(1);
    await fix.getByRole('button', { name: 'Apply the fix…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Fix kvm-a04' });
    await expect(dialog).toContainText('The fix needs 1 reboot');
    for (const vm of vmsOf('kvm-a04').filter((v) => v.state === 'running')) await expect(dialog.getByRole('listitem').filter({ hasText: vm.name })).toBeVisible();
    await expect(dialog.getByRole('radio', { name: /Do not reboot now/ })).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/host-fix-dialog.png', fullPage: true });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await page.screenshot({ path: 'test-results/screenshots/host-fix.png', fullPage: true });
  });

  test('a pending BIOS change offers one reboot, whose dialog names the VMs going down, graceful by default', async ({ page }) => {
    await openHost(page, 'kvm-c02');
    await expect(page.getByRole('listitem', { name: 'BIOS: failing' })).toContainText('pending reboot');
    const reboot = page.getByRole('button', { name: 'Reboot through iLO' });
    await expect(reboot).toHaveCount(1);
    await reboot.click();

    const dialog = page.getByRole('dialog', { name: 'Reboot kvm-c02 through iLO' });
    await expect(dialog).toBeVisible();
    const running = vmsOf('kvm-c02').filter((vm) => vm.state === 'running');
    for (const vm of running) await expect(dialog.getByRole('listitem').filter({ hasText: vm.name })).toBeVisible();
    await expect(dialog.getByRole('radio', { name: /Graceful restart/ })).toBeChecked();
    await expect(dialog.getByRole('radio', { name: /Force restart/ })).not.toBeChecked();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
  });
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]) {
  test(`the VF grid at ${viewport.width} px: rows fill evenly and an assigned VF stands out more than a free one`, async ({ page }) => {
    await signIn(page.request, 'viewer');
    await page.setViewportSize(viewport);
    await openHost(page, 'kvm-a01');
    const grid = page.getByRole('list', { name: 'VFs of 0000:12:00.0' });
    const tiles = grid.getByRole('button');
    await expect(tiles).toHaveCount(8);
    // Tiles per row, by where they sit: 8, or 4 + 4, never 7 + 1.
    const tops = await tiles.evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().top)));
    const perRow = [...tops.reduce((rows, top) => rows.set(top, (rows.get(top) ?? 0) + 1), new Map<number, number>()).values()];
    expect(new Set(perRow).size, `tiles per row: ${perRow.join(' + ')}`).toBe(1);

    // How far each tile's background is from the card behind it (WCAG contrast ratio).
    const contrast = async (name: RegExp) =>
      grid.getByRole('button', { name }).first().evaluate((el) => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = (c: string) => {
          const [r, g, b] = rgb(c).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const card = getComputedStyle(el.closest('section')!).backgroundColor;
        const [a, b] = [lum(getComputedStyle(el).backgroundColor), lum(card)].sort((x, y) => y - x);
        return (a! + 0.05) / (b! + 0.05);
      });
    const assigned = await contrast(/^VF \d+ assigned to /);
    const free = await contrast(/^VF \d+ (free|bound to vfio-pci)$/);
    expect(assigned).toBeGreaterThanOrEqual(3);
    expect(assigned).toBeGreaterThan(free);
    await grid.screenshot({ path: `test-results/screenshots/vf-grid-${viewport.width}.png` });
  });
}

test('the BIOS card says the iLO’s last apply results in words, not message ids', async ({ page }) => {
  await signIn(page.request, 'viewer');
  // kvm-d02's iLO refused Sriov=Enabled at the last boot (the LowLatency profile locks it).
  await openHost(page, 'kvm-d02');
  const bios = page.getByRole('region', { name: 'iLO and BIOS' });
  await expect(bios.getByText('Last apply results')).toBeVisible();
  const results = bios.getByRole('list').last();
  await expect(results.getByRole('listitem').first()).toBeVisible();
  await expect(results).not.toContainText(/\b(Base|iLO)\.\d+\.\d+\./);
  await expect(results).not.toContainText('PropertyNotWritable');
  await openHost(page, 'kvm-a01');
  await expect(page.getByRole('region', { name: 'iLO and BIOS' })).toContainText('✓ Applied');
  await expect(page.getByRole('region', { name: 'iLO and BIOS' })).not.toContainText('Base.1.');
});

test('the VM view lists VMs with their VFs, flags a VF on another NUMA node, and filters by host', async ({ page }) => {
  await signIn(page.request, 'viewer');
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'VMs' }).click();
  await expect(page.getByRole('heading', { name: 'Virtual machines', level: 1 })).toBeVisible();

  const table = page.getByRole('region', { name: 'Virtual machines' }).getByRole('table');
  // upf-01 runs on NUMA node 1; kvm-a01's only NIC is on node 0.
  const upf = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'upf-01', exact: true }) });
  await expect(upf).toContainText('other NUMA node');
  const fw = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'vnf-fw-01', exact: true }) });
  await expect(fw).not.toContainText('other NUMA node');

  // The NUMA filter is the server's (?placement=cross-numa): kept in the URL, across a reload.
  await page.getByRole('checkbox', { name: 'Only VMs with a VF on another NUMA node' }).check();
  await expect(page).toHaveURL(/placement=cross-numa/);
  await expect(upf).toBeVisible();
  await expect(fw).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Only VMs with a VF on another NUMA node' })).toBeChecked();
  await expect(upf).toBeVisible();
  await expect(fw).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/vms-cross-numa.png', fullPage: true });
  await page.getByRole('checkbox', { name: 'Only VMs with a VF on another NUMA node' }).uncheck();
  await expect(fw).toBeVisible();

  await page.getByRole('combobox', { name: 'Host' }).selectOption({ label: 'kvm-a01' });
  await expect(page).toHaveURL(/hostId=/);
  await expect(table.getByRole('rowheader')).toHaveCount(vmsOf('kvm-a01').length);

  // A VF without a MAC set says so; zeros are never shown as if they were a MAC.
  await expect(table).not.toContainText('00:00:00:00:00:00');
  await page.getByRole('searchbox', { name: 'Search VMs and hosts' }).fill('vnf-fw');
  await expect(table.getByRole('rowheader')).toHaveCount(vmsOf('kvm-a01').filter((vm) => vm.name.includes('vnf-fw')).length);
  await page.screenshot({ path: 'test-results/screenshots/vms.png', fullPage: true });
});
