// Single sign-on as a person does it: the login page's button, the identity provider's own
// sign-in and consent pages (the test provider, lib/testing/oidc-provider-main.ts, over HTTPS
// with a test CA), back on the dashboard with the role of their group. And a person whose group
// maps to no role is told so, in words.

import { expect, test } from '@playwright/test';

// The provider's certificate is the test CA's, which Chromium does not know.
test.use({ ignoreHTTPSErrors: true });

async function atProvider(page: import('@playwright/test').Page, login: string) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('a person signs in through the identity provider and lands where they were going, as an operator', async ({ page }) => {
  await page.goto('/vms');
  await expect(page).toHaveURL(/\/login\?next=%2Fvms/);
  const button = page.getByRole('link', { name: 'Sign in with Test SSO' });
  await expect(button).toBeVisible();
  await expect(page.getByText('or with a local account (break-glass)')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/login-sso.png', fullPage: true });
  await button.click();
  await atProvider(page, 'olivia');
  await expect(page).toHaveURL(/\/vms$/);
  await expect(page.getByRole('heading', { name: 'Virtual machines', level: 1 })).toBeVisible();
  await expect(page.getByText('olivia · operator')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/sso-signed-in.png' });
});

test('a person whose groups give no role is refused with the reason, and can go back to sign in', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Sign in with Test SSO' }).click();
  await atProvider(page, 'nadia');
  await expect(page.getByRole('heading', { name: 'Not signed in' })).toBeVisible();
  await expect(page.getByText('None of your groups (finance) gives a role on this dashboard')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/sso-refused.png' });
  await page.getByRole('link', { name: 'Back to sign-in' }).click();
  await expect(page).toHaveURL(/\/login$/);
});
