// TLS trust per iLO. iLOs ship a self-signed certificate ("iLO Default Issuer (Do not trust)"),
// so the system trust store never applies: each iLO is pinned by a CA or by the SHA-256
// fingerprint of its certificate. "insecure" exists for first contact only, on explicit request.

import { X509Certificate } from 'node:crypto';
import type { RequestOptions } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls, { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { IloUntrustedCertificateError } from './errors';

export type IloTrust =
  /**
   * Trust certificates issued by this CA (PEM), or exactly a certificate listed in it. The
   * certificate must name the host of the iLO's URL, or `serverName` when given (an iLO reached
   * by IP whose certificate names only its host name); a certificate listed in `ca` itself is the
   * iLO's own and needs no name (see `isListed`).
   */
  | { readonly kind: 'ca'; readonly ca: string | readonly string[]; readonly checkHostname?: boolean; readonly serverName?: string }
  /** Trust exactly the certificate with this SHA-256 fingerprint ("AB:CD:..." or plain hex). */
  | { readonly kind: 'fingerprint'; readonly sha256: string }
  /** The system trust store: only for iLOs given a certificate from a public CA. */
  | { readonly kind: 'system' }
  /** Accept any certificate. Only when an operator explicitly asked for it. */
  | { readonly kind: 'insecure' };

/** "ab:cd..." / "abcd..." / "SHA256 Fingerprint=AB:CD..." -> "AB:CD:...", as Node and openssl print it. */
export function normalizeFingerprint(input: string): string {
  const hex = input
    .replace(/^\s*(sha-?256\s*(fingerprint)?\s*[=:]?)/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new RangeError('A SHA-256 certificate fingerprint has 64 hexadecimal digits (colons optional)');
  }
  return hex.match(/../g)!.join(':');
}

const REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed and was not pinned',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed CA that was not pinned',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is not signed by the pinned CA',
  UNABLE_TO_GET_ISSUER_CERT: 'it is not signed by the pinned CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it is not signed by the pinned CA',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was not issued for this host name or address',
};

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle; a block that is not a certificate is left out (the chain check still sees it). */
function listedCertificates(ca: string | readonly string[]): X509Certificate[] {
  const pems = (typeof ca === 'string' ? [ca] : [...ca]).flatMap((pem) => pem.match(PEM_CERTIFICATE) ?? []);
  return pems.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
}

/**
 * The presented certificate is byte for byte one the operator listed, and in its validity period.
 * That is as strong as pinning its fingerprint, so neither the host name check nor the chain
 * applies: an iLO's factory certificate names only "ILO<serial>" (no IP address) and is the root
 * of its own chain, and operators reach iLOs by address. A CA certificate in the same file does
 * not get this pass: it vouches for every certificate it signed, so those keep the name check.
 */
function isListed(listed: readonly X509Certificate[], presented: PeerCertificate, now = Date.now()): boolean {
  const raw = presented.raw;
  if (!raw) return false;
  const match = listed.find((c) => c.raw.equals(raw));
  return match !== undefined && Date.parse(match.validFrom) <= now && now <= Date.parse(match.validTo);
}

function namesOf(certificate: PeerCertificate): string {
  const names = certificate.subjectaltname?.replace(/(DNS|IP Address):/g, '').split(', ').filter(Boolean) ?? [];
  const cn = certificate.subject?.CN;
  return [...(typeof cn === 'string' ? [cn] : []), ...names.filter((n) => n !== cn)].join(', ') || 'no name';
}

function untrustedReason(socket: TLSSocket, trust: IloTrust, pinned: string | null, listed: readonly X509Certificate[]): string | null {
  switch (trust.kind) {
    case 'insecure':
      return null;
    case 'fingerprint': {
      const presented = socket.getPeerCertificate().fingerprint256;
      return presented === pinned ? null : 'its fingerprint is not the pinned one';
    }
    case 'ca':
    case 'system': {
      if (socket.authorized) return null;
      const presented = socket.getPeerCertificate();
      if (trust.kind === 'ca' && isListed(listed, presented)) return null;
      const code = String(socket.authorizationError ?? 'unknown');
      const reason = REASONS[code] ?? code;
      if (code !== 'ERR_TLS_CERT_ALTNAME_INVALID' || trust.kind !== 'ca') return reason;
      const wanted = trust.serverName ? `"${trust.serverName}"` : 'this host name or address';
      return (
        `it was not issued for ${wanted} (it names ${namesOf(presented)}). Reach the iLO by a name it carries, ` +
        `give that name with --ilo-tls-name (ILO_TLS_NAME), or put the iLO's own certificate in --ilo-ca`
      );
    }
  }
}

export interface IloAgentOptions {
  connectTimeoutMs: number;
  /** The iLO's URL, for error messages. */
  url: URL;
}

/**
 * How a connection to an iLO is made and checked. The handshake runs with rejectUnauthorized off
 * and the check happens on the connected socket, before a single byte of HTTP (credentials
 * included) is sent, for two reasons: Node calls checkServerIdentity only after the chain
 * verified, so a self-signed certificate can never reach a fingerprint check there; and the
 * error can carry the fingerprint the iLO presented, which the operator needs to pin it.
 * TLS session resumption is off because a resumed session skips verification.
 */
export interface IloTlsCheck {
  /** Options for tls.connect. */
  connect: tls.ConnectionOptions;
  /** Null when the connected socket presents a trusted certificate; else the error to fail with. */
  verify(socket: TLSSocket): IloUntrustedCertificateError | null;
}

export function iloTlsCheck(trust: IloTrust, url: URL): IloTlsCheck {
  const pinned = trust.kind === 'fingerprint' ? normalizeFingerprint(trust.sha256) : null;
  const listed = trust.kind === 'ca' ? listedCertificates(trust.ca) : [];
  return {
    connect: {
      rejectUnauthorized: false,
      ...(trust.kind === 'ca' ? { ca: typeof trust.ca === 'string' ? [trust.ca] : [...trust.ca] } : {}),
      // iLO certificates name the iLO's host name; operators often address it by IP. With a
      // pinned CA the name check is kept, against `serverName` when given, unless switched off.
      ...(trust.kind === 'ca'
        ? { checkServerIdentity: (host: string, cert: PeerCertificate) => (trust.checkHostname === false ? undefined : checkServerIdentity(trust.serverName ?? host, cert)) }
        : {}),
    },
    verify(socket) {
      const reason = untrustedReason(socket, trust, pinned, listed);
      if (reason === null) return null;
      const presented = socket.getPeerCertificate()?.fingerprint256 ?? null;
      const pinHint = trust.kind === 'fingerprint' ? ` (pinned: ${pinned})` : '';
      return new IloUntrustedCertificateError(
        `The iLO at ${url.host} presented a certificate that is not trusted: ${reason}${pinHint}. ` +
          `Its SHA-256 fingerprint is ${presented ?? 'unknown'}; if that is the iLO's certificate, pin this fingerprint or its CA. No credentials were sent.`,
        presented,
        reason,
      );
    },
  };
}

type Connected = (error: Error | null, socket: Duplex) => void;

/** An HTTPS agent (node:https, kept alive) whose requests get a socket only once iloTlsCheck passed. */
class IloAgent extends https.Agent {
  private readonly check: IloTlsCheck;

  constructor(
    trust: IloTrust,
    private readonly iloOptions: IloAgentOptions,
  ) {
    super({ keepAlive: true, maxSockets: 8, maxCachedSessions: 0 });
    this.check = iloTlsCheck(trust, iloOptions.url);
  }

  // Node's Agent takes the socket from the callback when createConnection returns nothing.
  override createConnection(connectOptions: RequestOptions, done?: Connected): undefined {
    const callback = done!;
    const socket = tls.connect({ ...(connectOptions as tls.ConnectionOptions), ...this.check.connect });
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      callback(error, socket);
    };
    const timer = setTimeout(() => fail(Object.assign(new Error(`no connection within ${this.iloOptions.connectTimeoutMs} ms`), { code: 'ETIMEDOUT' })), this.iloOptions.connectTimeoutMs);
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      const untrusted = this.check.verify(socket);
      if (untrusted) fail(untrusted);
      else callback(null, socket);
    });
    return undefined;
  }
}

export function createIloAgent(trust: IloTrust, options: IloAgentOptions): https.Agent {
  return new IloAgent(trust, options);
}
