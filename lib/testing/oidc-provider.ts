// A real OpenID Connect provider for the tests (the oidc-provider package, the certified Node.js
// implementation), over HTTPS on loopback with a certificate of a test CA: openid-client 6 refuses
// plain-HTTP issuers. Its development sign-in pages (any password) stand in for a company's login;
// each account carries the groups the test gives it.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Provider from 'oidc-provider';
import { createIloCertificate } from '@/agent/src/sim/ilo/certificate';

export interface TestAccount {
  groups: string[];
  name?: string;
  email?: string;
}

export interface TestIdentityProvider {
  issuer: string;
  /** The test CA's certificate, in a file (OIDC_CA_FILE). */
  caFile: string;
  clientId: string;
  clientSecret: string;
  /** By account id (the sign-in page's login); change groups between sign-ins. */
  accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

export interface TestProviderOptions {
  redirectUris: string[];
  /** Groups in the ID token (default), or only at the UserInfo endpoint (as providers do when they are many). */
  groupsIn?: 'id-token' | 'userinfo';
  /** 0 (default): a free port. */
  port?: number;
  /** Where to write the test CA's certificate (default: a temporary folder). */
  caFile?: string;
}

export async function startTestIdentityProvider(options: TestProviderOptions): Promise<TestIdentityProvider> {
  // A name of its own: two test CAs of one name would be mistaken for each other by a client trusting both.
  const ca = await createIloCertificate({ commonName: `SR-IOV Fleet Manager test CA ${randomBytes(4).toString('hex')}`, isCa: true });
  const leaf = await createIloCertificate({ commonName: 'localhost', ca: { cert: ca.cert, key: ca.key } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oidc-provider-'));
  const caFile = options.caFile ?? path.join(dir, 'ca.pem');
  fs.writeFileSync(caFile, ca.cert);

  let handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accounts = new Map<string, TestAccount>();
  const clientId = 'sriov-fleet-manager';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: options.redirectUris, response_types: ['code'], grant_types: ['authorization_code'] }],
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, preferred_username: id, name: account.name, email: account.email, groups: account.groups }) };
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    // false: the claims of the scopes asked for go into the ID token too.
    conformIdTokenClaims: options.groupsIn === 'userinfo',
    pkce: { required: () => true },
    cookies: { keys: ['test-provider-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  // Loopback over HTTPS: the provider builds its URLs from the issuer, not from proxy headers.
  handler = provider.callback();
  return {
    issuer,
    caFile,
    clientId,
    clientSecret,
    accounts,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
