import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_HOSTS } from './fixtures/demo-fleet';
import { signIn } from './fixtures/auth';

// Reports are for every signed-in role; the viewer is the least privileged.
// Other specs register hosts while these run; the demo fleet's hosts are all named kvm-*.
const DEMO_ONLY = 'host=kvm-';
test.beforeEach(async ({ page }) => {
  await signIn(page.request, 'viewer');
});

interface Case {
  name: string;
  title: string;
  filter: { label: string; option: string; param: string };
  /** Rows the demo fleet gives with the filter applied, when the demo fixes it. */
  rows?: number;
}

const CASES: Case[] = [
  { name: 'inventory', title: 'Fleet SR-IOV inventory', filter: { label: 'Generation', option: 'Gen10 Plus', param: 'generation=Gen10+Plus' } },
  // kvm-a01/upf-01, kvm-a02/lb-01, kvm-a03/cnf-nrf-01, kvm-b01/ran-du-02 and fw-22's two VFs on kvm-c01.
  { name: 'allocation', title: 'VF allocation', filter: { label: 'NUMA placement', option: 'Cross-NUMA only', param: 'placement=cross-numa' }, rows: 6 },
  { name: 'capacity', title: 'VF capacity', filter: { label: 'Group by', option: 'NIC model', param: 'groupBy=nic-model' } },
  {
    name: 'compliance',
    title: 'BIOS and readiness compliance',
    // Judged by the policy engine: kvm-c02's VT-d is staged (pending reboot), kvm-d02's Sriov is locked (refused).
    filter: { label: 'Baseline', option: 'Drifted', param: 'compliance=drifted' },
    rows: ['kvm-a04', 'kvm-b02', 'kvm-c03', 'kvm-d01'].length,
  },
  { name: 'history', title: 'Change history', filter: { label: 'Outcome', option: 'failed', param: 'status=failed' }, rows: 0 },
];

async function downloadCsv(page: Page): Promise<string[]> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^sriov-[a-z]+-\d{8}-\d{4}Z\.csv$/);
  const text = fs.readFileSync((await download.path()) ?? '', 'utf8');
  return text.split('\r\n').filter((line) => line !== '');
}

test.describe('reports', () => {
  test('the reports index links every report and its downloads', async ({ page }) => {
    await page.goto('/reports');
    await expect(page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
    for (const c of CASES) {
      await expect(page.getByRole('link', { name: c.title, exact: true })).toHaveAttribute('href', `/reports/${c.name}`);
      await expect(page.getByRole('link', { name: `${c.title} as CSV` })).toBeVisible();
    }
    await page.screenshot({ path: 'test-results/screenshots/reports-index.png', fullPage: true });
  });

  for (const c of CASES) {
    test(`${c.name}: filter, download the CSV, match the API, print`, async ({ page }) => {
      // Eight steps, three of them full-page screenshots of the page (the inventory report is the
      // longest page there is: a section per host): the default 30 s is one step's budget on a busy
      // machine, not eight.
      test.setTimeout(60_000);
      await page.goto(`/reports/${c.name}?${DEMO_ONLY}`);
      await expect(page.getByRole('heading', { name: c.title, level: 1 })).toBeVisible();
      await expect(page.getByText(/^Read from the inventory \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/)).toBeVisible();
      await page.screenshot({ path: `test-results/screenshots/reports-${c.name}.png`, fullPage: true });

      await page.getByRole('combobox', { name: c.filter.label }).selectOption({ label: c.filter.option });
      await expect(page).toHaveURL(new RegExp(`[?&]${c.filter.param.replace('+', '\\+')}`));

      const api = await page.request.get(`/api/reports/${c.name}?format=json&${DEMO_ONLY}&${c.filter.param}`);
      expect(api.status()).toBe(200);
      const json = await api.json();
      if (c.rows !== undefined) expect(json.rowCount).toBe(c.rows);
      await expect(page.getByText(new RegExp(`^${json.rowCount} rows?`))).toBeVisible();

      const csv = await downloadCsv(page);
      expect(csv[0]).toBe(json.columns.map((col: { key: string }) => col.key).join(','));
      expect(csv.length - 1).toBe(json.rowCount);
      expect(json.rows).toHaveLength(json.rowCount);

      await page.screenshot({ path: `test-results/screenshots/reports-${c.name}-filtered.png`, fullPage: true });

      // The print preview: no navigation, no filters or buttons, the data time and the filters in words.
      await page.emulateMedia({ media: 'print' });
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
      await expect(page.getByRole('link', { name: 'Download CSV' })).toBeHidden();
      await expect(page.getByRole('group', { name: 'Filters' })).toBeHidden();
      await expect(page.getByText(new RegExp(`^Filters: .*\\b${c.filter.param.split('=')[0]} = `))).toBeVisible();
      await page.screenshot({ path: `test-results/screenshots/reports-${c.name}-print.png`, fullPage: true });
    });
  }

  test('inventory lists every host, each in its own section for printing', async ({ page }) => {
    await page.goto(`/reports/inventory?${DEMO_ONLY}`);
    const sections = page.getByRole('region', { name: /^Host kvm-/ });
    await expect(sections).toHaveCount(DEMO_HOSTS.length);
    // Printed, every host starts a new page: at least as many pages as hosts.
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    expect((pdf.match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length).toBeGreaterThanOrEqual(DEMO_HOSTS.length);
    await page.getByRole('searchbox', { name: 'VM name' }).fill('upf-01');
    await expect(sections).toHaveCount(1);
    await expect(page.getByRole('region', { name: 'Host kvm-a01' }).getByRole('row')).toHaveCount(2);
  });

  test('compliance says what its baseline covers and which hosts meet it yet are not ready, every column on screen', async ({ page }) => {
    const ready = DEMO_HOSTS.filter((h) => h.story.startsWith('Ready')).length;
    for (const width of [1440, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/reports/compliance?${DEMO_ONLY}`);
      await expect(page.getByRole('note', { name: 'What this report covers' })).toContainText('It does not cover whether the host has an SR-IOV capable NIC, whether the NIC’s firmware allows VFs');
      const rows = page.getByRole('region', { name: 'Rows' });
      const row = (host: string) => rows.getByRole('row').filter({ has: page.getByRole('cell', { name: host, exact: true }) });
      // kvm-c04 has only the embedded 331i; kvm-e01 has SR-IOV off in a NIC's firmware.
      for (const [host, why] of [['kvm-c04', 'SR-IOV NIC'], ['kvm-e01', 'NIC firmware']] as const) {
        await expect(row(host).getByRole('cell').nth(1)).toHaveText(/^✓\s*Compliant$/);
        await expect(row(host)).toContainText('Not ready');
        await expect(row(host)).toContainText(why);
      }
      // The states of the policy pages, with the reason a plan gives.
      await expect(row('kvm-c02').getByRole('cell').nth(1)).toHaveText(/Pending reboot$/);
      await expect(row('kvm-d02').getByRole('cell').nth(1)).toHaveText(/Refused$/);
      await expect(row('kvm-d02')).toContainText('locked: WorkloadProfile is LowLatency');
      // The same count of ready hosts as the fleet view's tile.
      await expect(page.getByLabel('Report figures').getByText('SR-IOV ready', { exact: true }).locator('..')).toContainText(String(ready));
      // The last column is on screen, not cut off.
      const last = rows.getByRole('columnheader').last();
      await expect(last).toHaveText('Difference last seen');
      const box = (await last.boundingBox())!;
      const region = (await rows.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(Math.min(width, region.x + region.width) + 1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
      await page.screenshot({ path: `test-results/screenshots/reports-compliance-${width}.png`, fullPage: true });
    }
  });

  test('allocation flags the cross-NUMA VFs in words', async ({ page }) => {
    await page.goto('/reports/allocation?host=kvm-b01');
    const row = page.getByRole('row').filter({ hasText: 'ran-du-02' });
    await expect(row).toContainText('cross-NUMA');
    await expect(page.getByRole('row').filter({ hasText: 'ran-du-01' }).first()).toContainText('same node');
  });

  test('change history says why it is empty', async ({ page }) => {
    await page.goto('/reports/history');
    await expect(page.getByRole('status')).toContainText('No operations are on record yet');
  });

  test('a bad filter in the URL names the field', async ({ page }) => {
    await page.goto('/reports/capacity?threshold=500');
    const problem = page.getByRole('alert').filter({ hasText: 'Could not run the report' });
    await expect(problem).toContainText('threshold');
    await page.getByRole('link', { name: 'Clear the filters' }).click();
    await expect(problem).toBeHidden();
    await expect(page.getByText(/^\d+ rows?/)).toBeVisible();
  });

  test('an unknown report is a not-found page', async ({ page }) => {
    const response = await page.goto('/reports/no-such-report');
    expect(response?.status()).toBe(404);
  });
});

test.describe('reports API', () => {
  for (const [url, status, field] of [
    ['/api/reports/inventory?generation=Gen8', 400, 'generation'],
    ['/api/reports/inventory?format=xml', 400, 'format'],
    ['/api/reports/capacity?threshold=0', 400, 'threshold'],
    ['/api/reports/history?from=yesterday', 400, 'from'],
    ['/api/reports/history?from=2026-11-24&to=2026-11-01', 400, 'to'],
    ['/api/reports/compliance?colour=red', 400, 'colour'],
    ['/api/reports/inventory?format=csv&format=json', 400, 'format'],
  ] as const) {
    test(`${url} is ${status} naming ${field}`, async ({ page }) => {
      const response = await page.request.get(url);
      expect(response.status()).toBe(status);
      const body = await response.json();
      expect(body.error.code).toBe('bad-request');
      expect(body.error.message.startsWith(field)).toBe(true);
    });
  }

  test('asking without signing in is 401', async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    expect((await anonymous.get('/api/reports/inventory?format=csv')).status()).toBe(401);
    await anonymous.dispose();
  });

  test('an unknown report is 404 in the envelope', async ({ page }) => {
    const response = await page.request.get('/api/reports/nope?format=csv');
    expect(response.status()).toBe(404);
    expect((await response.json()).error.code).toBe('not-found');
  });

  test('CSV and JSON downloads carry the same rows, without secrets', async ({ page }) => {
    const csv = await page.request.get(`/api/reports/inventory?format=csv&${DEMO_ONLY}`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="sriov-inventory-/);
    const lines = (await csv.text()).split('\r\n').filter(Boolean);
    const json = await (await page.request.get(`/api/reports/inventory?${DEMO_ONLY}`)).json();
    expect(lines.length - 1).toBe(json.rowCount);
    expect(new Set(json.rows.map((r: { host: string }) => r.host)).size).toBe(DEMO_HOSTS.length);
    expect(JSON.stringify(json)).not.toMatch(/Enc"|demo-ilo-password|demo-agent-token/);
  });
});
