import { expect, test } from '@playwright/test';
import { signIn } from './fixtures/auth';

// The API docs page: reached from the menu, lists every endpoint of /api/openapi.json.

test('a viewer opens API from the menu and reads every endpoint of the OpenAPI document', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page.request, 'viewer');
  await page.goto('/');
  await page.getByRole('navigation').getByRole('link', { name: 'API', exact: true }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await expect(page.getByRole('heading', { name: 'API', level: 1 })).toBeVisible();
  const doc = (await (await page.request.get('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  expect(doc.openapi).toBe('3.1.0');
  const operations = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m}-${p}`));
  await expect(page.locator('li[id]')).toHaveCount(operations.length);
  await expect(page.locator('li[id="post-/api/hosts"]')).toContainText('Register a host');
  await page.screenshot({ path: 'test-results/api-docs.png', fullPage: false });
});

test('the OpenAPI document answers without a session', async ({ request }) => {
  const response = await request.get('/api/openapi.json');
  expect(response.status()).toBe(200);
  expect(((await response.json()) as { openapi: string }).openapi).toBe('3.1.0');
});
