import { expect, test, type Page } from '@playwright/test';
import type { FleetPage } from '../lib/inventory/fleet';
import { signIn } from './fixtures/auth';

// The seventh link on the simulated demo fleet: what each guest sees of its VFs, read through the
// guest agents of the simulated libvirt. kvm-a02's lb-01 runs a guest without iavf; kvm-b03's
// smf-11 has no guest agent channel; kvm-a03's guests have every driver.

async function openHost(page: Page, name: string) {
  const host = ((await (await page.request.get(`/api/hosts?q=${encodeURIComponent(name)}`)).json()) as FleetPage).hosts.find((h) => h.name === name);
  expect(host, `demo host ${name}`).toBeDefined();
  await page.goto(`/hosts/${host!.id}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

test('the VM without a guest driver shows it is not seen, with the cause; the VM without an agent says how to install one', async ({ page }) => {
  await signIn(page.request, 'viewer');
  await page.goto('/vms?q=lb-01');
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'lb-01', exact: true }) });
  await expect(row.getByText('not seen by the guest')).toBeVisible({ timeout: 30_000 });
  await expect(row.getByText('no guest driver for this VF type: install or load iavf in the guest')).toBeVisible();
  await expect(row.getByLabel('7. Guest sees its VFs: failing')).toBeVisible();
  await expect(row.getByText('no live migration')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/guest-vms-lb-01.png', fullPage: true });

  await page.goto('/vms?q=smf-11');
  const smf = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'smf-11', exact: true }) });
  await expect(smf.getByText('guest: no guest agent').first()).toBeVisible({ timeout: 30_000 });
  await expect(smf.getByText(/qemu-guest-agent/).first()).toBeVisible();
});

test('an operator assigns a VF and sees "seen by the guest: iavf, link up"; the dialog warned before a first VF', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page.request, 'operator');
  await openHost(page, 'kvm-a01');
  // build-runner-01 holds no VF: the assign dialog says what the first one costs it.
  await page.getByRole('list', { name: /^VFs of / }).first().getByRole('button', { name: /^VF \d+ (free|bound to vfio-pci)$/ }).last().click();
  const warnDialog = page.getByRole('dialog', { name: /^Assign VF \d+ of / });
  await warnDialog.getByRole('radio', { name: /^build-runner-01/ }).check();
  await expect(warnDialog.getByRole('note')).toContainText('build-runner-01 holds no VF yet');
  await expect(warnDialog.getByRole('note')).toContainText('cannot be live-migrated');
  await page.screenshot({ path: 'test-results/screenshots/guest-assign-warning.png' });
  await warnDialog.getByRole('button', { name: 'Cancel' }).click();

  await openHost(page, 'kvm-a03');
  const grid = page.getByRole('list', { name: /^VFs of / }).first();
  const tile = grid.getByRole('button', { name: /^VF \d+ (free|bound to vfio-pci)$/ }).last();
  const index = (await tile.getAttribute('aria-label'))!.match(/^VF (\d+)/)![1];
  const vf = grid.getByRole('button', { name: new RegExp(`^VF ${index} `) });
  await tile.click();
  const dialog = page.getByRole('dialog', { name: new RegExp(`^Assign VF ${index} of `) });
  await dialog.getByRole('radio', { name: /^cnf-smf-01/ }).check();
  await expect(dialog.getByRole('note')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Assign' }).click();
  await expect(dialog).toBeHidden();
  await expect(vf).toHaveAccessibleName(`VF ${index} assigned to cnf-smf-01`, { timeout: 20_000 });
  await expect(vf).toHaveAccessibleDescription('seen by the guest: iavf, link up', { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/screenshots/guest-host-tiles.png', fullPage: true });

  await vf.click();
  await expect(page.getByRole('dialog')).toContainText('seen by the guest: iavf, link up');
  await page.getByRole('button', { name: 'Release…' }).click();
  await page.getByRole('button', { name: /^Release VF/ }).click();
  await expect(vf).toHaveAccessibleName(new RegExp(`^VF ${index} (free|bound to vfio-pci)$`), { timeout: 20_000 });
});
