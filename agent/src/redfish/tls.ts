// TLS trust per iLO. iLOs ship a self-signed certificate ("iLO Default Issuer (Do not trust)"),
// so the system trust store never applies: each iLO is pinned by a CA or by the SHA-256
// fingerprint of its certificate. "insecure" exists for first contact only, on explicit request.

import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { IloUntrustedCertificateError } from './errors';

export type IloTrust =
  /** Trust certificates issued by this CA (or this exact self-signed certificate), PEM. */
  | { readonly kind: 'ca'; readonly ca: string | readonly string[]; readonly checkHostname?: boolean }
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

function untrustedReason(socket: TLSSocket, trust: IloTrust, pinned: string | null): string | null {
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
      const code = String(socket.authorizationError ?? 'unknown');
      return REASONS[code] ?? code;
    }
  }
}

export interface DispatcherOptions {
  connectTimeoutMs: number;
  /** The iLO's URL, for error messages. */
  url: URL;
}

/**
 * An undici Agent whose connections verify the iLO's certificate before a single byte of HTTP
 * (credentials included) is sent. The handshake runs with rejectUnauthorized off and the check
 * happens on the connected socket, for two reasons: Node calls checkServerIdentity only after the
 * chain verified, so a self-signed certificate can never reach a fingerprint check there; and the
 * error can carry the fingerprint the iLO presented, which the operator needs to pin it.
 * TLS session resumption is off because a resumed session skips verification.
 */
export function createIloDispatcher(trust: IloTrust, options: DispatcherOptions): Agent {
  const pinned = trust.kind === 'fingerprint' ? normalizeFingerprint(trust.sha256) : null;
  const base = buildConnector({
    rejectUnauthorized: false,
    maxCachedSessions: 0,
    timeout: options.connectTimeoutMs,
    ...(trust.kind === 'ca' ? { ca: typeof trust.ca === 'string' ? [trust.ca] : [...trust.ca] } : {}),
    // iLO certificates name the iLO's host name; operators often address it by IP. With a
    // pinned CA the host-name check is kept unless explicitly switched off.
    ...(trust.kind === 'ca' && trust.checkHostname === false ? { checkServerIdentity: () => undefined } : {}),
  });
  const connect: buildConnector.connector = (connectOptions, callback) => {
    base(connectOptions, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      const tlsSocket = socket as TLSSocket;
      const reason = untrustedReason(tlsSocket, trust, pinned);
      if (reason === null) {
        callback(null, socket);
        return;
      }
      const presented = tlsSocket.getPeerCertificate()?.fingerprint256 ?? null;
      tlsSocket.destroy();
      const pinHint = trust.kind === 'fingerprint' ? ` (pinned: ${pinned})` : '';
      callback(
        new IloUntrustedCertificateError(
          `The iLO at ${options.url.host} presented a certificate that is not trusted: ${reason}${pinHint}. ` +
            `Its SHA-256 fingerprint is ${presented ?? 'unknown'}; if that is the iLO's certificate, pin this fingerprint or its CA. No credentials were sent.`,
          presented,
          reason,
        ),
        null,
      );
    });
  };
  return new Agent({ connect });
}
