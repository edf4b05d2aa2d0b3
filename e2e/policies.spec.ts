import { expect, test, type Page } from '@playwright/test';
import { signIn } from './fixtures/auth';
import { DEMO_HOSTS } from '../lib/demo/demo-fleet';

// A policy for the demo's Gen10 hosts, made in the form, read as a plan, downloaded. A policy and a
// plan change no host, so this runs with the read-only specs; the labels and the policy it adds are
// taken away at the end, so the rollouts spec's plans see no policy of this one's.

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/policy-${name}.png`, fullPage: true });
const GEN10 = DEMO_HOSTS.filter((h) => h.generation === 'Gen10').map((h) => h.name);
const LABEL = 'e2e-group';

let policyId: string | null = null;
let hostIds: string[] = [];

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  const { csrfToken } = await signIn(page.request, 'admin');
  const headers = { 'x-csrf-token': csrfToken };
  if (policyId) await page.request.delete(`/api/policies/${policyId}`, { headers });
  if (hostIds.length) await page.request.post('/api/labels', { data: { hostIds, remove: [LABEL] }, headers });
  await page.close();
});

test('label the Gen10 hosts, write a policy for them in the form, read its plan and download it', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page.request, 'admin');
  const all = await (await page.request.get('/api/hosts?pageSize=500')).json();
  hostIds = (all.hosts as { id: string; name: string }[]).filter((h) => GEN10.includes(h.name)).map((h) => h.id);
  expect(hostIds).toHaveLength(GEN10.length);

  // Label them from the fleet table: filter, tick the page, Label….
  await page.goto('/?generation=Gen10');
  const fleet = page.getByRole('region', { name: 'Hosts' });
  await expect(fleet.getByRole('rowheader')).toHaveCount(GEN10.length);
  await fleet.getByRole('checkbox', { name: 'Select the hosts on this page' }).check();
  await page.getByRole('toolbar', { name: 'Selected hosts' }).getByRole('button', { name: 'Label…' }).click();
  const labelDialog = page.getByRole('dialog', { name: `Label ${GEN10.length} hosts` });
  await labelDialog.getByLabel('Set').fill(`${LABEL}=gen10`);
  await labelDialog.getByRole('button', { name: 'Apply labels' }).click();
  await expect(labelDialog).toBeHidden();
  await page.goto('/');
  await fleet.getByRole('searchbox', { name: 'Labels' }).fill(`${LABEL}=gen10`);
  await expect(fleet.getByRole('rowheader')).toHaveCount(GEN10.length);
  await expect(fleet.getByRole('row', { name: new RegExp(GEN10[0]!) })).toContainText(`${LABEL}=gen10`);
  await shot(page, '0-labelled');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Policies' }).click();
  await page.getByRole('link', { name: 'New policy' }).click();
  const form = page.getByRole('form', { name: 'New policy' });
  await form.getByLabel('Name', { exact: true }).fill('e2e-gen10');
  await form.getByLabel('Description').fill('SR-IOV on for the Gen10 KVM hosts');
  await form.getByLabel('Labels').fill(`${LABEL}=gen10`);
  await expect(form.getByRole('status', { name: 'Hosts matched' })).toContainText(`Matches ${GEN10.length} hosts`);
  // Static high performance for the packet-processing VMs: a BIOS change, so a reboot.
  await form.getByRole('button', { name: 'Add attribute' }).click();
  await form.getByLabel('BIOS attribute 3', { exact: true }).fill('PowerRegulator');
  await form.getByLabel('BIOS value 3', { exact: true }).fill('StaticHighPerf');
  // A bad rule is named before anything is sent.
  await form.getByRole('button', { name: 'Add NIC rule' }).click();
  await form.getByLabel('Rule 1 match by').selectOption('pfName');
  await form.getByLabel('Rule 1 PF name').fill('*');
  await form.getByLabel('Rule 1 VF count').fill('lots');
  await form.getByRole('button', { name: 'Create policy' }).click();
  await expect(form.getByRole('alert')).toContainText('NIC rule 1, numVfs');
  await form.getByLabel('Rule 1 VF count').fill('4');
  await shot(page, '1-form');
  await form.getByRole('button', { name: 'Create policy' }).click();

  await expect(page.getByRole('heading', { name: /e2e-gen10/, level: 1 })).toBeVisible();
  policyId = page.url().split('/').pop()!;
  await expect(page.getByRole('region', { name: 'What it asks' })).toContainText(`${LABEL}=gen10`);
  await page.getByRole('button', { name: 'Compute plan' }).click();

  await expect(page.getByRole('heading', { name: 'Plan for e2e-gen10 v1' })).toBeVisible();
  const totals = page.getByLabel('Plan totals');
  await expect(totals).toContainText(`Hosts matched${GEN10.length}`);
  // kvm-d02's LowLatency workload profile locks Sriov: refused, with the reason.
  await page.getByRole('radio', { name: 'Only refused' }).check();
  const d02 = page.getByRole('region', { name: 'kvm-d02' });
  await expect(d02).toContainText('Refused');
  await expect(d02).toContainText('locked: WorkloadProfile is LowLatency');
  // Hosts whose BIOS changes reboot, and the plan names the VMs that go down with them.
  await page.getByRole('radio', { name: 'Only reboots' }).check();
  const rebooting = page.getByRole('region').filter({ hasText: 'Reboots for' });
  await expect(rebooting.first()).toBeVisible();
  const running = DEMO_HOSTS.filter((h) => GEN10.includes(h.name)).flatMap((h) => h.vms.filter((v) => v.state === 'running').map((v) => v.name));
  await expect(rebooting.first()).toContainText(new RegExp(`VMs going down: .*(${running.join('|')})|No running VM goes down`));
  await page.getByRole('radio', { name: 'All hosts' }).check();
  await shot(page, '2-plan');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toMatch(/^plan-.*\.csv$/);

  // The poller may still be reading a Gen10 host for the first time (its BIOS registry, say) when
  // the plan is computed: the page then says the inventory changed, and the plan is computed
  // again, as the page asks a person to.
  const planId = page.url().split('/').pop()!;
  const freshness = await (await page.request.get(`/api/plans/${planId}/freshness`)).json();
  if (!freshness.fresh) {
    await expect(page.getByText('The inventory changed since this plan was computed')).toBeVisible({ timeout: 40_000 });
    await page.goto(`/policies/${policyId}`);
    await page.getByRole('button', { name: 'Compute plan' }).click();
    await expect(page.getByRole('heading', { name: 'Plan for e2e-gen10 v1' })).toBeVisible();
  }

  // The rollout form says what will happen before it is confirmed; it is not started here.
  await page.getByRole('button', { name: 'Start rollout…' }).click();
  const dialog = page.getByRole('dialog', { name: /Roll out this plan to \d+ hosts?/ });
  await expect(dialog).toContainText(/\d+ hosts? reboots?/);
  await shot(page, '3-start-rollout');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Back on the policy: an edit is version 2, and the versions compare field by field.
  await page.getByRole('main').getByRole('link', { name: 'e2e-gen10' }).click();
  await page.getByRole('link', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit policy e2e-gen10' });
  await expect(edit.getByLabel('Rule 1 VF count')).toHaveValue('4');
  await edit.getByLabel('Rule 1 VF count').fill('8');
  await edit.getByLabel('What changed (kept with the version)').fill('More VFs for the new VMs');
  await edit.getByRole('button', { name: 'Save version 2' }).click();
  await expect(page.getByRole('heading', { name: /e2e-gen10\s*v2/, level: 1 })).toBeVisible();
  const versions = page.getByRole('region', { name: 'Versions' });
  await expect(versions).toContainText('More VFs for the new VMs');
  await expect(versions.getByRole('table', { name: 'Differences' }).getByRole('row', { name: /nics\.0\.numVfs\s*4\s*8/ })).toBeVisible();
  await shot(page, '4-policy');
});

test('import policies from a JSON file: previewed first, then a new policy and, on a second import, a new version', async ({ page }) => {
  await signIn(page.request, 'admin');
  // A policy that selects no demo host: importing it changes nothing the other specs plan.
  const file = (priority: number) => ({
    name: 'policies.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ format: 'sriov-fleet-policies/v1', policies: [{ name: 'e2e-imported', document: { selector: { names: ['e2e-none-*'] }, priority, nics: [{ match: { nicModel: '560SFP+' }, numVfs: 4, macs: 'stable' }] } }] })),
  });
  await page.goto('/policies');
  const importOnce = async (priority: number, expected: RegExp) => {
    await page.getByRole('button', { name: 'Import JSON…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import policies' });
    await dialog.getByLabel('Policy file').setInputFiles(file(priority));
    await expect(dialog.getByRole('region', { name: 'What the import does' })).toContainText(expected);
    await shot(page, `import-${priority}`);
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(dialog).toBeHidden();
  };
  try {
    await importOnce(5, /New: e2e-imported/);
    const row = page.getByRole('table', { name: 'Policies' }).getByRole('row').filter({ hasText: 'e2e-imported' });
    await expect(row).toContainText('560SFP+: 4 VFs, stable MACs');
    await expect(row).toContainText('v1');
    // Evaluated at once, it selects no host: it says so, not nothing (nor compliant).
    await expect(row).toContainText('matches no host');
    await shot(page, 'list-matches-no-host');
    await row.getByRole('link', { name: 'e2e-imported' }).click();
    await expect(page.getByRole('main')).toContainText(/Matches no host: its selector selected none of the fleet’s hosts when compliance was last evaluated/);
    await shot(page, 'policy-matches-no-host');
    await page.goBack();
    await importOnce(6, /New version of e2e-imported:\s*priority: 5 → 6/);
    await expect(row).toContainText('v2');
    // A file that is not an export is refused in words, and nothing is imported.
    await page.getByRole('button', { name: 'Import JSON…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import policies' });
    await dialog.getByLabel('Policy file').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"policies": []}') });
    await expect(dialog).toContainText(/Not importable: .*format/);
    await expect(dialog.getByRole('button', { name: 'Import', exact: true })).toBeDisabled();
  } finally {
    const { csrfToken } = await signIn(page.request, 'admin');
    const list = (await (await page.request.get('/api/policies')).json()) as { policies: { id: string; name: string }[] };
    const imported = list.policies.find((p) => p.name === 'e2e-imported');
    if (imported) await page.request.delete(`/api/policies/${imported.id}`, { headers: { 'x-csrf-token': csrfToken } });
  }
});
