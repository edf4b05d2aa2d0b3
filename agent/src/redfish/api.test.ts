import { describe, expect, it } from 'vitest';
import {
  biosGet,
  biosSet,
  checkBiosPatchBody,
  decodeIloTarget,
  encodeIloTarget,
  formatBiosReport,
  iloTargetFromCli,
  IloRequestError,
  parseIloRequest,
  checkPowerResetBody,
  powerReset,
  redfishErrorResponse,
  type IloTarget,
} from './api';
import { BiosChangeError, IloAuthError, IloUnreachableError, IloUntrustedCertificateError, RedfishError } from './errors';
import { startSim } from './test/fixtures';

const target: IloTarget = {
  url: 'https://10.0.0.5',
  username: 'admin',
  password: 's3cret-Passw0rd',
  trust: { kind: 'fingerprint', sha256: Array(32).fill('AB').join(':') },
};

describe('iLO target header', () => {
  it('round-trips through base64url', () => {
    expect(decodeIloTarget(encodeIloTarget(target))).toEqual(target);
  });

  it('normalizes the pinned fingerprint', () => {
    const plain = { ...target, trust: { kind: 'fingerprint' as const, sha256: 'ab'.repeat(32) } };
    expect(decodeIloTarget(encodeIloTarget(plain)).trust).toEqual(target.trust);
  });

  it('names invalid fields without echoing the password', () => {
    const bad = Buffer.from(JSON.stringify({ ...target, trust: { kind: 'fingerprint', sha256: 'zz' }, username: '' })).toString('base64url');
    const error = (() => {
      try {
        decodeIloTarget(bad);
      } catch (e) {
        return e as IloRequestError;
      }
      throw new Error('expected a failure');
    })();
    expect(error.issues.map((i) => i.path).sort()).toEqual(['trust.sha256', 'username']);
    expect(JSON.stringify(error.issues) + error.message).not.toContain('s3cret');
    expect(() => decodeIloTarget(undefined)).toThrow('The x-ilo-target header is required');
    const named = (serverName: unknown) => Buffer.from(JSON.stringify({ ...target, trust: { kind: 'ca', ca: 'PEM', serverName } })).toString('base64url');
    expect(decodeIloTarget(named('ilo-r1u01.example.com')).trust).toEqual({ kind: 'ca', ca: 'PEM', serverName: 'ilo-r1u01.example.com' });
    expect(() => decodeIloTarget(named('ilo r1'))).toThrow('trust.serverName: a host name the iLO certificate carries');
    expect(() => decodeIloTarget('%%%')).toThrow('not base64url-encoded JSON');
  });
});

describe('request bodies', () => {
  it('lists the fields of an invalid body', () => {
    expect(() => parseIloRequest(checkPowerResetBody, { kind: 'Nmi' }, 'request body')).toThrow('invalid request body: kind: GracefulRestart or ForceRestart');
    expect(parseIloRequest(checkPowerResetBody, {}, 'request body')).toEqual({ kind: 'GracefulRestart' });
    expect(parseIloRequest(checkPowerResetBody, undefined, 'request body')).toEqual({ kind: 'GracefulRestart' });
  });

  it('accepts attribute maps of scalars and rejects empty maps, odd names and other values', () => {
    expect(parseIloRequest(checkBiosPatchBody, { attributes: { Sriov: 'Enabled', PatrolScrubDuration: 12, Flag: true } }, 'body')).toEqual({
      attributes: { Sriov: 'Enabled', PatrolScrubDuration: 12, Flag: true },
    });
    expect(() => parseIloRequest(checkBiosPatchBody, { attributes: {} }, 'body')).toThrow('attributes: an object with at least one attribute is required');
    expect(() => parseIloRequest(checkBiosPatchBody, { attributes: { 'Sriov; rm': 'x' } }, 'body')).toThrow('"Sriov; rm" is not a BIOS attribute name');
    for (const bad of [null, { x: 1 }, ['Enabled'], 'x'.repeat(257)]) {
      expect(() => parseIloRequest(checkBiosPatchBody, { attributes: { Sriov: bad } }, 'body')).toThrow('attributes.Sriov: a string of at most 256 characters, a number or a boolean');
    }
  });
});

describe('CLI settings', () => {
  const base = { url: 'https://ilo', username: 'admin', password: 'pw' };

  it('requires exactly one way to trust the certificate', () => {
    expect(() => iloTargetFromCli(base)).toThrow(/exactly one of --ilo-ca FILE, --ilo-fingerprint SHA256 or --ilo-insecure/);
    expect(() => iloTargetFromCli({ ...base, insecure: true, fingerprint: 'ab'.repeat(32) })).toThrow(IloRequestError);
    expect(iloTargetFromCli({ ...base, fingerprint: 'ab'.repeat(32) }).trust).toEqual({ kind: 'fingerprint', sha256: Array(32).fill('AB').join(':') });
    expect(iloTargetFromCli({ ...base, caPem: 'PEM' }).trust).toEqual({ kind: 'ca', ca: 'PEM' });
    expect(iloTargetFromCli({ ...base, insecure: true }).trust).toEqual({ kind: 'insecure' });
    expect(iloTargetFromCli({ ...base, caPem: 'PEM', tlsName: 'ILOMXQ1234' }).trust).toEqual({ kind: 'ca', ca: 'PEM', serverName: 'ILOMXQ1234' });
    expect(() => iloTargetFromCli({ ...base, caPem: 'PEM', tlsName: 'not a name' })).toThrow('--ilo-tls-name (or ILO_TLS_NAME) must be a host name');
    expect(() => iloTargetFromCli({ ...base, insecure: true, tlsName: 'ILOMXQ1234' })).toThrow('give --ilo-ca too');
  });

  it('lists what is missing', () => {
    expect(() => iloTargetFromCli({ insecure: true })).toThrow(
      'Missing --ilo (or ILO_URL), --ilo-user (or ILO_USER), --ilo-password-file (or ILO_PASSWORD_FILE / ILO_PASSWORD)',
    );
  });
});

describe('error responses', () => {
  it('maps iLO failures onto the agent error envelope, keeping what an operator needs', () => {
    expect(redfishErrorResponse(new IloAuthError('wrong password'))).toEqual({
      status: 422,
      body: { error: { code: 'refused', message: 'wrong password', iloCode: 'auth-failed' } },
    });
    expect(redfishErrorResponse(new IloUnreachableError('down')).status).toBe(503);
    expect(redfishErrorResponse(new IloUntrustedCertificateError('untrusted', 'AA:BB', 'x')).body.error).toMatchObject({
      iloCode: 'untrusted-certificate',
      presentedFingerprint256: 'AA:BB',
    });
    expect(redfishErrorResponse(new BiosChangeError('bad', [{ attribute: 'Sriov', problem: '"On" is not one of Enabled, Disabled' }])).body.error).toMatchObject({
      code: 'bad-request',
      issues: [{ path: 'attributes.Sriov', message: '"On" is not one of Enabled, Disabled' }],
    });
    expect(redfishErrorResponse(new RedfishError('locked-by-profile', 'locked')).status).toBe(409);
    expect(redfishErrorResponse(new RedfishError('timeout', 'slow')).status).toBe(504);
  });
});

describe('operations as the agent runs them', () => {
  it('sets, resets and reads back through one target, leaving no session open', async () => {
    const sim = await startSim({ generation: 5 });
    try {
      const simTarget: IloTarget = { url: sim.url, username: sim.username, password: sim.password, trust: { kind: 'ca', ca: sim.certificate.cert } };
      const { change, bios } = await biosSet(simTarget, { Sriov: 'Enabled', IntelProcVtd: 'Enabled' });
      expect(change.sent).toEqual({ Sriov: 'Enabled', IntelProcVtd: 'Enabled' });
      expect(bios.resetPending).toBe(true);
      expect(formatBiosReport(bios)).toContain('Sriov               Disabled -> Enabled (pending reset)');
      expect(await powerReset(simTarget, 'GracefulRestart')).toEqual({ resetType: 'GracefulRestart', powerState: 'On' });
      const after = await biosGet(simTarget);
      const text = formatBiosReport(after);
      expect(text.split('\n')).toEqual([
        'Server              ProLiant DL380 Gen10, serial MXQ0001SIM, power On',
        'BIOS                U30 v2.68 (07/14/2022)',
        'iLO                 iLO 5, firmware 2.72',
        'WorkloadProfile     GeneralPowerEfficientCompute',
        'Sriov               Enabled',
        'IntelProcVtd        Enabled',
        'ProcVirtualization  Enabled',
        'No change pending.',
      ]);
      expect(sim.openSessions()).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
