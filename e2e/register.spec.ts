import { expect, test } from '@playwright/test';
import { startIloSimulator, type IloSimulator } from '../agent/src/sim/ilo';
import { signIn } from './fixtures/auth';

let ilo: IloSimulator;
test.beforeAll(async () => {
  ilo = await startIloSimulator({ generation: 6, cpu: 'intel', model: 'ProLiant DL380 Gen11', serialNumber: `CZE2E${Date.now().toString().slice(-6)}`, bios: { Sriov: 'Disabled' } });
});
test.afterAll(async () => {
  await ilo?.close();
});

test('an admin registers a host: the iLO is read over pinned HTTPS and the host page shows its BIOS', async ({ page }) => {
  await signIn(page.request, 'admin');
  await page.goto('/');
  await page.getByRole('link', { name: 'Register a host' }).click();
  const form = page.getByRole('form', { name: 'Register a host' });
  const name = `e2e-${Date.now()}`;
  await form.getByLabel('Host name').fill(name);
  await form.getByLabel('Agent URL').fill('http://127.0.0.1:9');
  await form.getByLabel('Agent token').fill('agent-token-0123456789');
  await form.getByLabel('iLO address').fill(ilo.url);
  await form.getByLabel('iLO user').fill(ilo.username);
  await form.getByLabel('iLO password').fill('wrong-password');
  await form.getByLabel('iLO certificate SHA-256').fill(ilo.certificate.fingerprint256);
  await page.screenshot({ path: 'test-results/screenshots/register.png', fullPage: true });

  await form.getByRole('button', { name: 'Register host' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /^ilo: / })).toBeVisible();

  await form.getByLabel('iLO password').fill(ilo.password);
  await form.getByRole('button', { name: 'Register host' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByText('ProLiant DL380 Gen11 · Gen11 · Intel')).toBeVisible();
  await expect(page.getByRole('row', { name: /Sriov/ })).toContainText('Disabled');
  await expect(page.getByLabel('BIOS: failing')).toContainText('Sriov');
  expect(ilo.openSessions()).toBe(0);
});

test('a viewer gets no registration button and the page refuses', async ({ page }) => {
  await signIn(page.request, 'viewer');
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Register a host' })).toHaveCount(0);
  await page.goto('/hosts/new');
  await expect(page.getByRole('alert').getByRole('heading', { name: 'Only an admin may register hosts or change their credentials' })).toBeVisible();
});
