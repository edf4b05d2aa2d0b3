import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { FleetPage } from '../lib/inventory/fleet';
import { signIn } from './fixtures/auth';

// A change made as a person makes it, then found again in the audit log and the change history,
// in words. Project "change": it assigns a VF of kvm-b03, a host no other spec changes.

async function hostId(page: Page, name: string): Promise<string> {
  const host = ((await (await page.request.get(`/api/hosts?q=${name}`)).json()) as FleetPage).hosts.find((h) => h.name === name);
  expect(host, name).toBeDefined();
  return host!.id;
}

/** Nothing sticks out sideways: neither the page nor any table inside its scroll box. */
async function expectNoSidewaysOverflow(page: Page) {
  const overflow = await page.evaluate(() => {
    const wide = [...document.querySelectorAll('table')].filter((t) => t.parentElement && t.getBoundingClientRect().width > t.parentElement.getBoundingClientRect().width + 1);
    return { page: document.documentElement.scrollWidth - window.innerWidth, tables: wide.length };
  });
  expect(overflow).toEqual({ page: 0, tables: 0 });
}

test('an admin assigns a VF, then finds it in the audit log and the change history, in words', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page.request, 'admin');
  const id = await hostId(page, 'kvm-b03');
  await page.goto(`/hosts/${id}`);
  const grid = page.getByRole('list', { name: /^VFs of / }).first();
  const pf = (await grid.getAttribute('aria-label'))!.replace('VFs of ', '');
  const tile = grid.getByRole('button', { name: /^VF \d+ (free|bound to vfio-pci)$/ }).first();
  const index = (await tile.getAttribute('aria-label'))!.match(/^VF (\d+)/)![1]!;
  await tile.click();
  const dialog = page.getByRole('dialog', { name: `Assign VF ${index} of ${pf}` });
  await dialog.getByRole('radio', { name: /^upf-11/ }).check();
  await dialog.getByRole('button', { name: 'Assign' }).click();
  await expect(grid.getByRole('button', { name: new RegExp(`^VF ${index} `) })).toHaveAccessibleName(`VF ${index} assigned to upf-11`, { timeout: 30_000 });
  const host = await (await page.request.get(`/api/hosts/${id}`)).json();
  const vfId = host.physicalFunctions.find((p: { pciAddress: string }) => p.pciAddress === pf).virtualFunctions.find((v: { index: number }) => v.index === Number(index)).id as string;

  // The audit log, from the menu: filtered by host and by what was done, as picked from lists.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  const filters = page.getByRole('form', { name: 'Filter the audit log' });
  await filters.getByRole('combobox', { name: 'Host', exact: true }).selectOption('kvm-b03');
  await filters.getByRole('combobox', { name: 'Action', exact: true }).selectOption({ label: 'Assign VF' });
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/host=kvm-b03/);
  await expect(page).toHaveURL(/action=assign-vf/);

  const target = `VF ${index} of ${pf} on kvm-b03`;
  const rows = page.getByRole('table').getByRole('row').filter({ hasText: target });
  await expect(rows).toHaveCount(2);
  const succeeded = rows.filter({ hasText: 'succeeded' });
  await expect(succeeded).toContainText('Assign VF');
  // What changed, field by field: the VM it went to.
  await expect(succeeded.getByRole('listitem').filter({ hasText: 'VM:' })).toContainText(/VM:\s*—\s*→\s*upf-11/);
  await expect(rows.filter({ hasText: 'requested' })).toContainText(`Assign VF ${index} of ${pf} to upf-11`);
  await expect(page.getByRole('table')).not.toContainText(vfId);
  await expect(page.getByRole('table')).not.toContainText('{"');
  // Names stay whole: the action's words sit on one line.
  const label = succeeded.getByText('Assign VF', { exact: true });
  const box = (await label.boundingBox())!;
  const lineHeight = await label.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
  expect(box.height).toBeLessThan(lineHeight * 1.5);
  await expectNoSidewaysOverflow(page);
  await page.screenshot({ path: 'test-results/screenshots/audit-filtered.png', fullPage: true });

  // Day filters are UTC days, not a local 12-hour clock.
  const from = filters.getByLabel('From (UTC day)', { exact: true });
  expect(await from.getAttribute('type')).toBe('date');
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await from.fill(today);
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(rows).toHaveCount(2);
  await from.fill(tomorrow);
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByText('No event matches these filters.')).toBeVisible();

  // The change history says the same, on the page and in the CSV.
  await page.goto('/reports/history?host=kvm-b03');
  const row = page.getByRole('region', { name: 'Rows' }).getByRole('row').filter({ hasText: `Assign VF ${index} of ${pf} to upf-11` });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`VF ${index} of ${pf}`);
  await expect(row).toContainText('Assign VF');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  const csv = fs.readFileSync((await download.path())!, 'utf8').split('\r\n');
  expect(csv[0]).toContain('target,change');
  expect(csv.find((line) => line.includes(`Assign VF ${index} of ${pf} to upf-11`))).toContain(`VF ${index} of ${pf}`);

  // One day of data is one bar among the days before it, not a block across the chart.
  const chart = page.getByRole('region', { name: 'Chart' });
  const plot = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
  const bars = await chart.locator('.recharts-bar-rectangle').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width).filter((w) => w > 0));
  expect(bars.length).toBeGreaterThan(0);
  for (const width of bars) expect(width).toBeLessThan(plot.width / 10);
  await expect(chart.getByText(today.slice(5), { exact: true })).toBeVisible();
  await expectNoSidewaysOverflow(page);
  await page.screenshot({ path: 'test-results/screenshots/history-one-day.png', fullPage: true });
});
