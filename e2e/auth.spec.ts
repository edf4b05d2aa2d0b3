import { expect, test } from '@playwright/test';
import { demoUser, signIn } from './fixtures/auth';

test('an anonymous visitor is sent to sign in, and comes back to the page asked for', async ({ page }) => {
  await page.goto('/hosts/host_anything');
  await expect(page).toHaveURL(/\/login\?next=%2Fhosts%2Fhost_anything/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await page.getByLabel('User name').fill('viewer');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' })).toBeVisible();

  await page.getByLabel('Password').fill(demoUser('viewer').password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/hosts\/host_anything$/);
  await expect(page.getByRole('heading', { name: 'Host not found' })).toBeVisible();
});

for (const role of ['admin', 'viewer'] as const) {
  test(`signing in through the form at the front door, as ${role}, lands on the fleet without a reload`, async ({ page }) => {
    // As a person arrives: the dashboard's address, no stored session, no ?next=.
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel('User name').fill(demoUser(role).userName);
    await page.getByLabel('Password').fill(demoUser(role).password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: 'Fleet', level: 1 })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Fleet summary' })).toBeVisible();
    await expect(page.getByRole('table').getByRole('rowheader').first()).toBeVisible();
    await expect(page.getByRole('banner')).toContainText(`${demoUser(role).userName} · ${role}`);
    await page.screenshot({ path: `test-results/screenshots/signed-in-${role}.png`, fullPage: true });
  });
}

test('a viewer reads the fleet but gets no admin pages; signing out ends the session', async ({ page }) => {
  await signIn(page.request, 'viewer');
  await page.goto('/');
  await expect(page.getByText('viewer', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  await page.goto('/audit');
  // The refusal in words, with a way back: no bare permission names.
  const refusal = page.getByRole('alert', { name: 'Only an admin may read the audit log' });
  await expect(refusal.getByRole('heading', { name: 'Only an admin may read the audit log' })).toBeVisible();
  await expect(refusal).toContainText('You are signed in as viewer, a viewer');
  await expect(refusal).not.toContainText('audit:read');
  await page.screenshot({ path: 'test-results/screenshots/refusal-viewer.png', fullPage: true });
  await refusal.getByRole('link', { name: '← Back to the fleet' }).click();
  await expect(page.getByRole('heading', { name: 'Fleet', level: 1 })).toBeVisible();

  await page.goto('/');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  expect((await page.request.get('/api/hosts')).status()).toBe(401);
});

test('an admin sees the audit log with sign-ins and refusals, filterable', async ({ page, playwright, baseURL }) => {
  // A viewer's refused attempt, from a separate client.
  const viewer = await playwright.request.newContext({ baseURL });
  const { csrfToken } = await signIn(viewer, 'viewer');
  expect((await viewer.post('/api/tokens', { data: { name: 'x', role: 'admin' }, headers: { 'x-csrf-token': csrfToken } })).status()).toBe(403);
  await viewer.dispose();

  await signIn(page.request, 'admin');
  await page.goto('/');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Action', exact: true }).selectOption({ label: 'Refusals (not allowed)' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=denied/);
  const denied = page.getByRole('row').filter({ hasText: 'POST /api/tokens' }).first();
  await expect(denied).toContainText('viewer');
  await page.screenshot({ path: 'test-results/screenshots/audit.png', fullPage: true });
});

test('pages carry a nonce-based CSP with no unsafe-inline scripts, and the other security headers', async ({ page }) => {
  await signIn(page.request, 'viewer');
  const response = await page.goto('/');
  const headers = response!.headers();
  const csp = headers['content-security-policy']!;
  const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!;
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
  expect(scriptSrc).not.toContain('unsafe-inline');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  // The page works under that policy: the table's client code ran and loaded the hosts.
  await expect(page.getByRole('table').getByRole('rowheader').first()).toBeVisible();
});

test('an admin creates an API token (shown once), uses it, and revokes it; adds a user', async ({ page, playwright, baseURL }) => {
  await signIn(page.request, 'admin');
  await page.goto('/');
  await page.getByRole('link', { name: 'Users and tokens' }).click();
  await expect(page.getByRole('heading', { name: 'Users and API tokens' })).toBeVisible();

  const name = `ci-${Date.now()}`;
  const tokens = page.getByRole('form', { name: 'Create an API token' });
  await tokens.getByLabel('Token name').fill(name);
  await tokens.getByLabel('Role').selectOption('viewer');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('status').filter({ hasText: `Token “${name}”` });
  await expect(shown).toContainText('it is not shown again');
  const token = (await shown.locator('code').textContent())!;
  expect(token).toMatch(/^sfm_/);
  await page.screenshot({ path: 'test-results/screenshots/admin.png', fullPage: true });

  const automation = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await automation.get('/api/fleet/summary')).status()).toBe(200);
  expect((await automation.get('/api/users')).status()).toBe(403);

  await page.getByRole('row', { name: new RegExp(name) }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('Revoked');
  expect((await automation.get('/api/fleet/summary')).status()).toBe(401);
  await automation.dispose();

  const users = page.getByRole('form', { name: 'Add a user' });
  const userName = `ops-${Date.now()}`;
  await users.getByLabel('New user name').fill(userName);
  await users.getByLabel('Role').selectOption('operator');
  await users.getByLabel('Password (12+ characters)').fill('a-long-enough-password');
  await users.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Created operator “${userName}”` })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(userName) })).toBeVisible();
});
