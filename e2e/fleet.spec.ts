import { expect, test, type Page } from '@playwright/test';
import { DEMO_HOSTS } from './fixtures/demo-fleet';
import { signIn } from './fixtures/auth';

test.beforeEach(async ({ page }) => {
  await signIn(page.request, 'viewer');
});

const hostsWhere = (prefix: string) => DEMO_HOSTS.filter((h) => h.story.startsWith(prefix)).map((h) => h.name).sort();

function hostRows(page: Page) {
  return page.getByRole('table').getByRole('row').filter({ has: page.getByRole('rowheader') });
}

async function hostNames(page: Page): Promise<string[]> {
  return page.getByRole('table').getByRole('rowheader').allTextContents();
}

async function columnNumbers(page: Page, index: number): Promise<number[]> {
  const rows = await hostRows(page).all();
  return Promise.all(rows.map(async (row) => Number(await row.getByRole('cell').nth(index).textContent())));
}

test('the fleet view lists every demo host, as its agent reports it, with the summary tiles', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Fleet' })).toBeVisible();
  await expect(hostRows(page)).toHaveCount(DEMO_HOSTS.length);
  expect((await hostNames(page)).sort()).toEqual(DEMO_HOSTS.map((h) => h.name).sort());

  const summary = page.getByRole('region', { name: 'Fleet summary' });
  await expect(summary.getByText('Hosts', { exact: true }).locator('..')).toContainText(String(DEMO_HOSTS.length));
  await expect(summary.getByRole('link', { name: /SR-IOV ready/ })).toContainText(String(hostsWhere('Ready').length));

  await page.screenshot({ path: 'test-results/screenshots/fleet.png', fullPage: true });
});

test('one tile counts the hosts needing attention, agents offline or never seen included, and opens them filtered by agent status', async ({ page }) => {
  await page.goto('/');
  const silent = DEMO_HOSTS.filter((h) => h.agent !== 'running').map((h) => h.name).sort();
  const attention = new Set([...hostsWhere('Not ready'), ...silent]);
  const tile = page.getByRole('region', { name: 'Needing attention' });
  await expect(tile.getByText(String(attention.size), { exact: true })).toBeVisible();
  await expect(tile).toContainText(`${hostsWhere('Not ready').length} not ready`);
  await expect(tile).toContainText(`${silent.length} agents offline or never seen`);
  // No tile says "0 agents offline" while hosts show "Never seen".
  await expect(page.getByRole('region', { name: 'Fleet summary' })).toContainText(`${DEMO_HOSTS.length - silent.length} agents reporting`);

  await tile.getByRole('link', { name: /offline or never seen/ }).click();
  await expect(page).toHaveURL(/[?&]agent=not-reporting/);
  await expect(page.getByRole('combobox', { name: 'Agent' })).toHaveValue('not-reporting');
  await expect(hostRows(page)).toHaveCount(silent.length);
  expect((await hostNames(page)).sort()).toEqual(silent);
  for (const row of await hostRows(page).all()) await expect(row).toContainText(/Never seen|Offline/);
  await page.screenshot({ path: 'test-results/screenshots/fleet-attention.png', fullPage: true });

  await page.getByRole('combobox', { name: 'Agent' }).selectOption({ label: 'Online' });
  await expect(hostRows(page)).toHaveCount(DEMO_HOSTS.length - silent.length);
});

test('filtering by "Not ready" shows exactly the unready hosts', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Readiness' }).selectOption({ label: 'Not ready' });
  await expect(page).toHaveURL(/readiness=not-ready/);
  await expect(hostRows(page)).toHaveCount(hostsWhere('Not ready').length);
  expect((await hostNames(page)).sort()).toEqual(hostsWhere('Not ready'));
  for (const row of await hostRows(page).all()) {
    await expect(row.getByText('Not ready')).toBeVisible();
  }

  // The filter lives in the URL: a reload keeps it.
  await page.reload();
  await expect(hostRows(page)).toHaveCount(hostsWhere('Not ready').length);
  await expect(page.getByRole('combobox', { name: 'Readiness' })).toHaveValue('not-ready');
});

test('search and the generation filter narrow the list', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('searchbox', { name: 'Search by name' }).fill('kvm-c0');
  await expect(hostRows(page)).toHaveCount(DEMO_HOSTS.filter((h) => h.name.includes('kvm-c0')).length);

  await page.getByRole('searchbox', { name: 'Search by name' }).fill('');
  await page.getByRole('combobox', { name: 'Generation' }).selectOption('Gen9');
  await expect(hostRows(page)).toHaveCount(DEMO_HOSTS.filter((h) => h.generation === 'Gen9').length);

  await page.getByRole('searchbox', { name: 'Search by name' }).fill('no-such-host');
  await expect(page.getByText('No host matches these filters.')).toBeVisible();
});

test('every column sorts both ways', async ({ page }) => {
  await page.goto('/');
  const header = (name: string) => page.getByRole('columnheader', { name, exact: true });

  await header('VMs').getByRole('button').click();
  await expect(header('VMs')).toHaveAttribute('aria-sort', 'ascending');
  const vmsColumn = 7; // cells after the host name, which is the row header
  // A host whose agent never reported (not installed, powered off) has no VMs in the inventory.
  const ascending = DEMO_HOSTS.map((h) => (h.agent === 'running' ? h.vms.length : 0)).sort((a, b) => a - b);
  await expect.poll(() => columnNumbers(page, vmsColumn)).toEqual(ascending);

  await header('VMs').getByRole('button').click();
  await expect(header('VMs')).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => columnNumbers(page, vmsColumn)).toEqual([...ascending].sort((a, b) => b - a));

  await header('Host').getByRole('button').click();
  await expect(header('Host')).toHaveAttribute('aria-sort', 'ascending');
  await header('Host').getByRole('button').click();
  await expect(header('Host')).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => hostNames(page)).toEqual(DEMO_HOSTS.map((h) => h.name).sort().reverse());

  for (const name of ['Model', 'iLO', 'Readiness', 'PFs', 'VFs used', 'Enabled', 'Max', 'Agent']) {
    for (const direction of ['ascending', 'descending']) {
      await header(name).getByRole('button').click();
      await expect(header(name)).toHaveAttribute('aria-sort', direction);
      await expect(hostRows(page)).toHaveCount(DEMO_HOSTS.length);
    }
  }

  // Readiness ascending puts the hosts that need action first; descending, the ready ones.
  await header('Readiness').getByRole('button').click();
  await expect(hostRows(page).first()).toContainText('Not ready');
  await header('Readiness').getByRole('button').click();
  await expect(hostRows(page).first()).toContainText('Ready');
  await expect(hostRows(page).last()).toContainText('Not ready');
});

test('a row opens its host page with the readiness chain, BIOS and VFs', async ({ page }) => {
  await page.goto('/');
  await hostRows(page).filter({ hasText: 'kvm-c02' }).getByRole('cell').nth(1).click();
  await expect(page).toHaveURL(/\/hosts\/[a-z0-9]+$/);
  await expect(page.getByRole('heading', { name: 'kvm-c02', level: 1 })).toBeVisible();

  const chain = page.getByRole('list').filter({ has: page.getByLabel('BIOS: failing') });
  await expect(chain.getByLabel('BIOS: failing')).toContainText('pending reboot');
  await expect(chain.getByLabel('BIOS: failing')).toContainText('Reboot through the iLO');
  await expect(page.getByRole('row', { name: /IntelProcVtd/ })).toContainText('Enabled (at next reset)');
  await page.screenshot({ path: 'test-results/screenshots/host-not-ready.png', fullPage: true });

  await page.getByRole('link', { name: 'Fleet' }).first().click();
  await hostRows(page).getByRole('link', { name: 'kvm-a01' }).click();
  await expect(page.getByRole('heading', { name: 'kvm-a01', level: 1 })).toBeVisible();
  const vfs = page.getByRole('list', { name: 'VFs of 0000:12:00.0' });
  await expect(vfs.getByRole('listitem')).toHaveCount(8);
  await expect(vfs.getByText('vnf-fw-01')).toHaveCount(2);
  await page.screenshot({ path: 'test-results/screenshots/host-ready.png', fullPage: true });
});

test('an unknown host id shows a clear not-found page', async ({ page }) => {
  const response = await page.goto('/hosts/host_doesnotexist');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Host not found' })).toBeVisible();
});
