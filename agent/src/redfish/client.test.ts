// The transport: TLS pinning, authentication, sessions, retries, redirects, typed errors.

import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIloCertificate, type IloSimulator } from '../sim/ilo/index';
import {
  IloAuthError,
  IloBusyError,
  IloProtocolError,
  IloSessionLimitError,
  IloTimeoutError,
  IloUnreachableError,
  IloUntrustedCertificateError,
  normalizeFingerprint,
  RedfishClient,
  RedfishError,
  readBios,
  sameUri,
  withIlo,
  type IloConnectionOptions,
} from './index';
import { pinnedOptions, startSim } from './test/fixtures';

async function freePort(): Promise<number> {
  // Bind port 0, note the port, release it: nothing listens there afterwards.
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function failure(promise: Promise<unknown>): Promise<RedfishError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedfishError);
  return error as RedfishError;
}

describe('Redfish client transport', () => {
  let sim: IloSimulator;

  beforeAll(async () => {
    sim = await startSim({ generation: 5 });
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('TLS trust', () => {
    it('connects with the pinned SHA-256 fingerprint, in any spelling', async () => {
      const plainHex = sim.certificate.fingerprint256.replace(/:/g, '').toLowerCase();
      const root = await withIlo(pinnedOptions(sim, { trust: { kind: 'fingerprint', sha256: plainHex } }), (c) => c.serviceRoot());
      expect(root).toMatchObject({ Oem: { Hpe: { Manager: [{ ManagerType: 'iLO 5' }] } } });
      expect(sim.openSessions()).toBe(0);
    });

    it('connects with the self-signed certificate pinned as CA', async () => {
      await withIlo(pinnedOptions(sim, { trust: { kind: 'ca', ca: sim.certificate.cert } }), (c) => c.get('/redfish/v1/Systems/1/'));
      expect(sim.openSessions()).toBe(0);
    });

    it('connects to an iLO whose certificate an organisation CA signed, with that CA pinned', async () => {
      const ca = await createIloCertificate({ commonName: 'Example Corp iLO CA', isCa: true });
      const leaf = await createIloCertificate({ commonName: 'ilo-r12-u07', ca: { cert: ca.cert, key: ca.key } });
      const signed = await startSim({ generation: 6, certificate: leaf });
      try {
        const report = await withIlo(pinnedOptions(signed, { trust: { kind: 'ca', ca: ca.cert } }), (c) => readBios(c));
        expect(report.iloGeneration).toBe(6);
      } finally {
        await signed.close();
      }
    });

    it('refuses an iLO whose certificate does not match the pinned fingerprint, before sending credentials', async () => {
      const other = await createIloCertificate();
      const before = { ...sim.machine.stats };
      const error = await failure(RedfishClient.open(pinnedOptions(sim, { trust: { kind: 'fingerprint', sha256: other.fingerprint256 } })));
      expect(error).toBeInstanceOf(IloUntrustedCertificateError);
      expect(error.code).toBe('untrusted-certificate');
      expect((error as IloUntrustedCertificateError).presentedFingerprint256).toBe(sim.certificate.fingerprint256);
      expect(error.message).toContain(`Its SHA-256 fingerprint is ${sim.certificate.fingerprint256}`);
      expect(sim.machine.stats.logins).toBe(before.logins);
      expect(sim.machine.stats.failedLogins).toBe(before.failedLogins);
    });

    it('refuses the factory self-signed certificate when only the system trust store is used', async () => {
      const error = await failure(RedfishClient.open(pinnedOptions(sim, { trust: { kind: 'system' } })));
      expect(error).toBeInstanceOf(IloUntrustedCertificateError);
      expect((error as IloUntrustedCertificateError).reason).toBe('it is self-signed and was not pinned');
    });

    it('refuses a certificate not signed by the pinned CA', async () => {
      const ca = await createIloCertificate({ commonName: 'Unrelated CA', isCa: true });
      const error = await failure(RedfishClient.open(pinnedOptions(sim, { trust: { kind: 'ca', ca: ca.cert } })));
      expect(error).toBeInstanceOf(IloUntrustedCertificateError);
    });

    it('accepts any certificate only when insecure is asked for', async () => {
      await withIlo(pinnedOptions(sim, { trust: { kind: 'insecure' } }), (c) => c.get('/redfish/v1/Systems/'));
      expect(sim.openSessions()).toBe(0);
    });

    it('normalizes fingerprints and rejects malformed ones', () => {
      const fp = 'ab'.repeat(32);
      expect(normalizeFingerprint(`SHA256 Fingerprint=${fp}`)).toBe(Array(32).fill('AB').join(':'));
      expect(() => normalizeFingerprint('abcd')).toThrow(RangeError);
    });
  });

  describe('errors an operator can tell apart', () => {
    it('gives distinct messages for a wrong password, an unreachable iLO and an untrusted certificate', async () => {
      const other = await createIloCertificate();
      const wrongPassword = await failure(RedfishClient.open(pinnedOptions(sim, { password: 'not-the-password' })));
      const unreachable = await failure(RedfishClient.open(pinnedOptions(sim, { url: `https://127.0.0.1:${await freePort()}` })));
      const untrusted = await failure(RedfishClient.open(pinnedOptions(sim, { trust: { kind: 'fingerprint', sha256: other.fingerprint256 } })));

      expect(wrongPassword).toBeInstanceOf(IloAuthError);
      expect(wrongPassword.message).toBe(
        `The iLO at 127.0.0.1:${sim.port} rejected the user name or password for "admin" (HTTP 401). Check the credentials; repeated failures can lock the iLO account.`,
      );
      expect(unreachable).toBeInstanceOf(IloUnreachableError);
      expect(unreachable.message).toMatch(/^Cannot reach the iLO at 127\.0\.0\.1:\d+: connection refused\./);
      expect(untrusted).toBeInstanceOf(IloUntrustedCertificateError);
      expect(untrusted.message).toMatch(/^The iLO at 127\.0\.0\.1:\d+ presented a certificate that is not trusted: its fingerprint is not the pinned one/);
      expect(new Set([wrongPassword.code, unreachable.code, untrusted.code]).size).toBe(3);
    });

    it('does not retry a wrong password over Basic auth (that would double the failed logins)', async () => {
      const before = sim.machine.stats.failedLogins;
      await failure(RedfishClient.open(pinnedOptions(sim, { password: 'wrong' })));
      expect(sim.machine.stats.failedLogins).toBe(before + 1);
      expect(sim.openSessions()).toBe(0);
    });

    it('times out a slow iLO with its own error', async () => {
      const client = await RedfishClient.open(pinnedOptions(sim, { timeoutMs: 150 }));
      sim.setLatency(400);
      try {
        const error = await failure(client.get('/redfish/v1/Systems/1/'));
        expect(error).toBeInstanceOf(IloTimeoutError);
        expect(error.message).toBe(`The iLO at 127.0.0.1:${sim.port} did not answer within 150 ms`);
      } finally {
        sim.setLatency(0);
        await client.close();
      }
      expect(sim.openSessions()).toBe(0);
    });

    it('speaks of a TLS failure when the port is not HTTPS', async () => {
      const plain = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
      const port = (plain.address() as { port: number }).port;
      try {
        const error = await failure(RedfishClient.open(pinnedOptions(sim, { url: `https://127.0.0.1:${port}` })));
        expect(error).toBeInstanceOf(IloProtocolError);
        expect(error.message).toMatch(/TLS handshake .* failed; is this the iLO's HTTPS port\?/);
      } finally {
        plain.close();
      }
    });
  });

  describe('sessions', () => {
    it('logs out when the work fails', async () => {
      await expect(
        withIlo(pinnedOptions(sim), async (c) => {
          await c.get('/redfish/v1/Systems/1/');
          expect(sim.openSessions()).toBe(1);
          throw new Error('work failed');
        }),
      ).rejects.toThrow('work failed');
      expect(sim.openSessions()).toBe(0);
    });

    it('reports a full session table as its own error', async () => {
      const small = await startSim({ generation: 6, sessionLimit: 1 });
      try {
        const first = await RedfishClient.open(pinnedOptions(small));
        const error = await failure(RedfishClient.open(pinnedOptions(small)));
        expect(error).toBeInstanceOf(IloSessionLimitError);
        expect(error.message).toContain('every session slot of the iLO is in use');
        expect(await first.close()).toEqual({ sessionLeftOpen: false });
        expect(small.openSessions()).toBe(0);
      } finally {
        await small.close();
      }
    });

    it('logs in again when the iLO dropped the session (iLO reset)', async () => {
      const client = await RedfishClient.open(pinnedOptions(sim));
      try {
        sim.machine.resetManager();
        expect(sim.openSessions()).toBe(0);
        const system = await client.get('/redfish/v1/Systems/1/');
        expect(system.status).toBe(200);
        expect(sim.openSessions()).toBe(1);
      } finally {
        await client.close();
      }
      expect(sim.openSessions()).toBe(0);
    });

    it('opens a single new session when concurrent requests find theirs gone', async () => {
      const client = await RedfishClient.open(pinnedOptions(sim));
      try {
        const logins = sim.machine.stats.logins;
        sim.machine.resetManager();
        const answers = await Promise.all(['/redfish/v1/Systems/1/', '/redfish/v1/Chassis/1/', '/redfish/v1/Managers/1/'].map((uri) => client.get(uri)));
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
        expect(sim.machine.stats.logins).toBe(logins + 1);
        expect(sim.openSessions()).toBe(1);
      } finally {
        await client.close();
      }
      expect(sim.openSessions()).toBe(0);
    });

    it('falls back to Basic auth when the iLO has no session service', async () => {
      const basicOnly = await startSim({ generation: 4, sessionService: false });
      try {
        const report = await withIlo(pinnedOptions(basicOnly), async (c) => {
          expect(c.authMode).toBe('basic');
          return readBios(c);
        });
        expect(report.iloGeneration).toBe(4);
        expect(basicOnly.machine.stats.logins).toBe(0);
        await expect(RedfishClient.open(pinnedOptions(basicOnly, { password: 'wrong' }))).rejects.toBeInstanceOf(IloAuthError);
      } finally {
        await basicOnly.close();
      }
    });
  });

  describe('busy iLO', () => {
    it('retries 503 with backoff and succeeds', async () => {
      const events: { status: number | null; attempt: number }[] = [];
      sim.injectBusy({ requests: 3 });
      await withIlo(pinnedOptions(sim, { onRequest: (e) => events.push(e) }), (c) => c.get('/redfish/v1/Systems/1/'));
      expect(events.slice(0, 4).map((e) => [e.status, e.attempt])).toEqual([
        [503, 1],
        [503, 2],
        [503, 3],
        [200, 4],
      ]);
    });

    it('gives up after the configured attempts with a busy error', async () => {
      sim.injectBusy({ requests: 10 });
      const error = await failure(RedfishClient.open(pinnedOptions(sim, { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } })));
      sim.injectBusy({ requests: 0 });
      expect(error).toBeInstanceOf(IloBusyError);
      expect(error.message).toMatch(/stayed busy after 3 tries: the iLO is busy; it asks to retry in 1 s \(Base\.1\.4\.ServiceTemporarilyUnavailable\)/);
    });
  });

  describe('URIs', () => {
    it('follows the 308 redirects of iLO 5 firmware and ignores URI case', async () => {
      const paths: string[] = [];
      await withIlo(pinnedOptions(sim, { onRequest: (e) => paths.push(e.path) }), async (c) => {
        const system = await c.get('/REDFISH/V1/systems/1');
        expect((system.body as { Id: string }).Id).toBe('1');
      });
      expect(paths).toContain('/REDFISH/V1/systems/1');
    });

    it('compares URIs without case and trailing slash', () => {
      expect(sameUri('/redfish/v1/Systems/1/Bios/Settings', 'https://ilo/redfish/v1/systems/1/bios/settings/')).toBe(true);
      expect(sameUri('/redfish/v1/Systems/1', '/redfish/v1/Systems/2')).toBe(false);
    });

    it('never follows a link to another host with the session token', async () => {
      await withIlo(pinnedOptions(sim), async (c) => {
        await expect(c.get('https://attacker.invalid/redfish/v1/')).rejects.toBeInstanceOf(IloProtocolError);
      });
    });
  });
});

describe('Redfish client options', () => {
  it('rejects plain-HTTP iLO URLs', async () => {
    const options: IloConnectionOptions = { url: 'http://127.0.0.1:1', username: 'a', password: 'b', trust: { kind: 'insecure' } };
    await expect(RedfishClient.open(options)).rejects.toThrow('iLO URLs are HTTPS');
  });
});
