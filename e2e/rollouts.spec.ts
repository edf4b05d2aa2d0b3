import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { signIn } from './fixtures/auth';

// Rollouts over demo hosts no other changing spec uses: kvm-a01, kvm-b01, kvm-b02, kvm-c01, kvm-d01
// and kvm-e01 (a VF rate limit, no reboot), then kvm-d02 (its LowLatency workload profile locks
// Sriov off) as the canary of a second rollout, with kvm-c01 behind it.

// The second rollout shares kvm-c01 with the first, which must have finished.
test.describe.configure({ mode: 'serial' });

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/rollout-${name}.png`, fullPage: true });

async function planOf(request: APIRequestContext, csrfToken: string, name: string, document: unknown): Promise<string> {
  const headers = { 'x-csrf-token': csrfToken };
  const policy = await request.post('/api/policies', { data: { name, document }, headers });
  expect(policy.status(), await policy.text()).toBe(201);
  const plan = await request.post('/api/plans', { data: { policyId: (await policy.json()).id }, headers });
  expect(plan.status(), await plan.text()).toBe(201);
  return (await plan.json()).id;
}

async function start(request: APIRequestContext, csrfToken: string, planId: string, options: unknown): Promise<string> {
  const rollout = await request.post('/api/rollouts', { data: { planId, options }, headers: { 'x-csrf-token': csrfToken } });
  expect(rollout.status(), await rollout.text()).toBe(201);
  return (await rollout.json()).id;
}

test('a policy rolled out over six demo hosts: the canary, then waves, followed live to done', async ({ page }) => {
  test.setTimeout(120_000);
  const { csrfToken } = await signIn(page.request, 'admin');
  const planId = await planOf(page.request, csrfToken, 'e2e-rate-limit', {
    selector: { names: ['kvm-a01', 'kvm-b01', 'kvm-b02', 'kvm-c01', 'kvm-d01', 'kvm-e01'] },
    nics: [{ match: { pfName: '*' }, vfDefaults: { maxTxRate: 10000 } }],
  });
  await start(page.request, csrfToken, planId, { canary: 1, maxUnavailable: 2, soakSeconds: 2 });

  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rollouts' }).click();
  await expect(page.getByRole('heading', { name: 'Rollouts', level: 1 })).toBeVisible();
  await page.getByRole('table', { name: 'Rollouts' }).getByRole('link', { name: 'e2e-rate-limit' }).first().click();
  await expect(page.getByRole('heading', { name: 'Rollout of e2e-rate-limit' })).toBeVisible();
  const status = page.getByRole('region', { name: 'Rollout status' });
  await expect(status.getByRole('progressbar', { name: 'Canary' })).toBeVisible();
  await shot(page, '1-running');

  // Hosts without VFs have nothing to change: only those with VFs take part.
  const hosts = page.getByRole('table', { name: 'Hosts of the rollout' });
  await expect(status).toContainText('Done', { timeout: 90_000 });
  await expect(status.getByRole('progressbar', { name: 'All hosts' })).toHaveAttribute('aria-valuenow', await status.getByRole('progressbar', { name: 'All hosts' }).getAttribute('aria-valuemax') ?? '');
  await expect(hosts.getByRole('row', { name: /canary/ })).toHaveCount(1);
  expect(await hosts.getByRole('row').filter({ hasText: 'Done' }).count()).toBeGreaterThanOrEqual(2);
  await expect(hosts.getByRole('row').filter({ hasText: /Failed|Waiting|In progress/ })).toHaveCount(0);
  await shot(page, '2-done');
});

test('a rollout whose canary is the host locked by its workload profile halts after the canary, and says why', async ({ page }) => {
  test.setTimeout(90_000);
  const { csrfToken } = await signIn(page.request, 'admin');
  const planId = await planOf(page.request, csrfToken, 'e2e-sriov-on', {
    selector: { names: ['kvm-d02', 'kvm-c01'] },
    bios: { Sriov: 'Enabled' },
    nics: [{ match: { pfName: '*' }, vfDefaults: { maxTxRate: 20000 } }],
  });
  const id = await start(page.request, csrfToken, planId, { canaryHosts: ['kvm-d02'] });
  await page.goto(`/rollouts/${id}`);
  const status = page.getByRole('region', { name: 'Rollout status' });
  await expect(status).toContainText('Halted', { timeout: 60_000 });
  await expect(status).toContainText(/The canary failed: kvm-d02: .*WorkloadProfile is LowLatency/);
  await expect(status).toContainText('The other hosts were not touched');
  const hosts = page.getByRole('table', { name: 'Hosts of the rollout' });
  await expect(hosts.getByRole('row', { name: /kvm-d02/ })).toContainText('Failed');
  await expect(hosts.getByRole('row', { name: /kvm-c01/ })).toContainText('Not started');
  await shot(page, '3-halted');
});
