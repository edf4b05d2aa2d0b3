import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3210);
// The test identity provider for single sign-on (lib/testing/oidc-provider-main.ts), over HTTPS with a test CA.
const idpPort = port + 50;
const idpCaFile = `test-results/oidc-ca-${port}.pem`;
export const E2E_OIDC = {
  OIDC_ISSUER: `https://127.0.0.1:${idpPort}`,
  OIDC_CLIENT_ID: 'sriov-fleet-manager',
  OIDC_CLIENT_SECRET: 'test-client-secret-0123456789abcdef',
  OIDC_CA_FILE: idpCaFile,
  OIDC_SCOPES: 'openid profile email groups',
  OIDC_NAME: 'Test SSO',
  OIDC_OPERATOR_GROUPS: 'fleet-ops',
};
const CHANGING = ['**/orchestration.spec.ts', '**/register.spec.ts', '**/audit.spec.ts', '**/rollouts.spec.ts', '**/guest.spec.ts', '**/sso.spec.ts'];

export default defineConfig({
  testDir: 'e2e',
  outputDir: `test-results/e2e-${port}`,
  fullyParallel: true,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: `test-results/e2e-${port}.json` }]],
  globalTeardown: './e2e/global-teardown.ts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'on-first-retry',
    ...devices['Desktop Chrome'],
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  // Specs that change the demo fleet run after the ones that read it (an empty change history,
  // the compliance counts), each on hosts no other spec looks at.
  projects: [
    { name: 'read', testIgnore: CHANGING },
    { name: 'change', testMatch: CHANGING, dependencies: ['read'] },
  ],
  webServer: [
    {
      // Started first: the dashboard reads the provider's CA file when it starts.
      command: `npx tsx lib/testing/oidc-provider-main.ts --port ${idpPort} --ca-file ${idpCaFile} --redirect http://127.0.0.1:${port}/api/auth/oidc/callback`,
      url: `${E2E_OIDC.OIDC_ISSUER}/.well-known/openid-configuration`,
      ignoreHTTPSErrors: true,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      // Its own database, reseeded, on the production build made by `npm test` before this runs.
      command: `node scripts/demo.mjs --reseed --no-build --log test-results/server-${port}.log`,
      url: `http://127.0.0.1:${port}/api/fleet/summary`,
      // A reboot of a simulated host takes 6 s, long enough for the page to show the host going away.
      env: { PORT: String(port), DATABASE_URL: `file:./data/e2e-${port}.db`, SECRETS_KEY_FILE: 'data/e2e-secrets.key', DEMO_BOOT_MS: '6000', ...E2E_OIDC },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
