// Trusting an iLO by a CA file when it is reached by IP address, against the simulator over real
// HTTPS. A factory iLO certificate names only "ILO<serial>" and no address, so the host-name
// check fails for every iLO reached by IP; the certificate itself, listed in the CA file, is
// trusted exactly, and a CA-issued certificate is checked against the name given for it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIloCertificate, startIloSimulator, type IloSimulator, type SimCertificate } from '../sim/ilo/index';
import { IloUntrustedCertificateError, readBios, withIlo, type IloConnectionOptions, type IloTrust } from './index';
import { FAST_RETRY } from './test/fixtures';

const sims: IloSimulator[] = [];
let factory: IloSimulator;
let impostor: IloSimulator;
let ca: SimCertificate;
let issued: IloSimulator;

beforeAll(async () => {
  const factoryCert = await createIloCertificate({ commonName: 'ILOMXQ0042SIM', dnsNames: [], ipAddresses: [] });
  factory = await startIloSimulator({ serialNumber: 'MXQ0042SIM', certificate: factoryCert });
  // Same subject, its own key: what a machine answering on the iLO's address would present.
  impostor = await startIloSimulator({ serialNumber: 'MXQ0042SIM', certificate: await createIloCertificate({ commonName: 'ILOMXQ0042SIM', dnsNames: [], ipAddresses: [] }) });
  ca = await createIloCertificate({ commonName: 'Example Corp iLO CA', isCa: true });
  const leaf = await createIloCertificate({ commonName: 'ilo-r1u01.example.com', dnsNames: ['ilo-r1u01.example.com'], ipAddresses: [], ca: { cert: ca.cert, key: ca.key } });
  issued = await startIloSimulator({ serialNumber: 'MXQ0043SIM', certificate: leaf });
  sims.push(factory, impostor, issued);
});
afterAll(async () => {
  for (const sim of sims) expect(sim.openSessions()).toBe(0);
  await Promise.all(sims.map((s) => s.close()));
});

function options(sim: IloSimulator, trust: IloTrust): IloConnectionOptions {
  return { url: sim.url, username: sim.username, password: sim.password, trust, retry: FAST_RETRY, timeoutMs: 5_000, connectTimeoutMs: 2_000 };
}

async function refusal(sim: IloSimulator, trust: IloTrust): Promise<IloUntrustedCertificateError> {
  const error = await withIlo(options(sim, trust), (c) => readBios(c)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(IloUntrustedCertificateError);
  return error as IloUntrustedCertificateError;
}

describe('an iLO reached by IP address, trusted by --ilo-ca', () => {
  it('connects to a factory certificate (CN ILO<serial>, no IP) listed in the CA file', async () => {
    expect(factory.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const report = await withIlo(options(factory, { kind: 'ca', ca: factory.certificate.cert }), (c) => readBios(c));
    expect(report.serialNumber).toBe('MXQ0042SIM');
    // Also when it sits in a bundle with other certificates.
    const bundle = `${ca.cert}\n${factory.certificate.cert}`;
    expect((await withIlo(options(factory, { kind: 'ca', ca: bundle }), (c) => readBios(c))).serialNumber).toBe('MXQ0042SIM');
  });

  it('refuses another certificate with the same name, before sending credentials', async () => {
    const error = await refusal(impostor, { kind: 'ca', ca: factory.certificate.cert });
    expect(error.message).toContain('self-signed');
    expect(error.presentedFingerprint256).toBe(impostor.certificate.fingerprint256);
    expect(impostor.machine.stats).toMatchObject({ logins: 0, failedLogins: 0 });
  });

  it('keeps the name check for a certificate a CA issued, naming what the certificate carries', async () => {
    const error = await refusal(issued, { kind: 'ca', ca: ca.cert });
    expect(error.message).toContain('it names ilo-r1u01.example.com');
    expect(error.message).toContain('--ilo-tls-name');
    expect(issued.machine.stats.logins).toBe(0);
  });

  it('checks a CA-issued certificate against the name given with it', async () => {
    const report = await withIlo(options(issued, { kind: 'ca', ca: ca.cert, serverName: 'ilo-r1u01.example.com' }), (c) => readBios(c));
    expect(report.serialNumber).toBe('MXQ0043SIM');
    const wrongName = await refusal(issued, { kind: 'ca', ca: ca.cert, serverName: 'ilo-r1u02.example.com' });
    expect(wrongName.message).toContain('not issued for "ilo-r1u02.example.com"');
  });

  it('does not let a CA vouch for the factory certificate, nor a factory certificate for a CA-issued one', async () => {
    expect((await refusal(factory, { kind: 'ca', ca: ca.cert })).message).toContain('self-signed');
    expect((await refusal(issued, { kind: 'ca', ca: factory.certificate.cert })).message).toContain('not signed by the pinned CA');
  });
});
