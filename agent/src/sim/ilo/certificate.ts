import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface SimCertificate {
  readonly cert: string;
  readonly key: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex as `openssl x509 -fingerprint` prints it. */
  readonly fingerprint256: string;
}

export interface CertificateOptions {
  /** Subject common name; iLO uses its host name. */
  commonName?: string;
  /** Names and IPs the certificate is valid for; loopback by default. Both empty: no SAN, like a factory iLO certificate. */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Sign with this CA instead of self-signing (to test pinning an organisation's CA). */
  ca?: { cert: string; key: string };
  /** Make a CA certificate (for `ca` above). */
  isCa?: boolean;
}

/**
 * A certificate like the iLO's factory one: self-signed, so no system trust store accepts it.
 * EC P-256 keeps generation at a few milliseconds; the real iLO uses RSA, which changes nothing
 * for the client.
 */
export async function createIloCertificate(options: CertificateOptions = {}): Promise<SimCertificate> {
  const commonName = options.commonName ?? 'iLO Default Issuer (Do not trust)';
  const dnsNames = options.dnsNames ?? ['localhost'];
  const ipAddresses = options.ipAddresses ?? ['127.0.0.1', '::1'];
  const pems = await generate(
    [
      { name: 'commonName', value: commonName },
      { name: 'organizationName', value: 'Hewlett Packard Enterprise' },
      { shortName: 'OU', value: 'ISS' },
    ],
    {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate: new Date(Date.now() - 60_000),
      ...(options.ca ? { ca: options.ca } : {}),
      extensions: options.isCa
        ? [
            { name: 'basicConstraints', cA: true, critical: true },
            { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
          ]
        : [
            { name: 'basicConstraints', cA: false },
            { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
            { name: 'extKeyUsage', serverAuth: true },
            // An iLO's factory certificate names only ILO<serial> in its subject: no SAN at all.
            ...(dnsNames.length + ipAddresses.length === 0
              ? []
              : [
                  {
                    name: 'subjectAltName' as const,
                    altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), ...ipAddresses.map((ip) => ({ type: 7 as const, ip }))],
                  },
                ]),
          ],
    },
  );
  return { cert: pems.cert, key: pems.private, fingerprint256: new X509Certificate(pems.cert).fingerprint256 };
}
