// The test identity provider as a process, for the end-to-end specs (playwright.config.ts):
//   tsx lib/testing/oidc-provider-main.ts --port 3260 --ca-file test-results/oidc-ca.pem --redirect http://127.0.0.1:3210/api/auth/oidc/callback
// Its accounts: olivia (group fleet-ops), and nadia (group finance, which maps to no role).

import { parseArgs } from 'node:util';
import { startTestIdentityProvider } from './oidc-provider';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'ca-file': { type: 'string' }, redirect: { type: 'string' } } });
if (!values.port || !values['ca-file'] || !values.redirect) throw new Error('usage: oidc-provider-main.ts --port N --ca-file FILE --redirect URL');
const provider = await startTestIdentityProvider({ port: Number(values.port), caFile: values['ca-file'], redirectUris: [values.redirect] });
provider.accounts.set('olivia', { groups: ['staff', 'fleet-ops'], name: 'Olivia Operator', email: 'olivia@example.com' });
provider.accounts.set('nadia', { groups: ['finance'], name: 'Nadia Finance' });
console.log(JSON.stringify({ issuer: provider.issuer, clientId: provider.clientId }));
const stop = () => void provider.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
