// Typed errors of the Redfish client. Each says what happened in words an operator can act on;
// `code` is stable for programs (the agent API and the dashboard map it to their own envelopes).

/** One entry of a Redfish `@Message.ExtendedInfo` or `@Redfish.Settings.Messages`. */
export interface RedfishMessage {
  /** Full id as the iLO sent it, e.g. "iLO.2.14.SystemResetRequired". */
  readonly messageId: string;
  /** The id without registry and version ("SystemResetRequired"): what code compares. */
  readonly key: string;
  readonly message?: string;
  readonly args: readonly string[];
  readonly relatedProperties: readonly string[];
}

export type RedfishErrorCode =
  | 'auth-failed'
  | 'session-limit'
  | 'forbidden'
  | 'not-found'
  | 'refused'
  | 'busy'
  | 'unreachable'
  | 'timeout'
  | 'untrusted-certificate'
  | 'protocol'
  | 'invalid-change'
  | 'locked-by-profile'
  | 'change-not-recorded'
  | 'unsupported';

export class RedfishError extends Error {
  readonly code: RedfishErrorCode;
  /** HTTP status when the iLO answered. */
  readonly status?: number;
  readonly messages: readonly RedfishMessage[];

  constructor(code: RedfishErrorCode, message: string, details: { status?: number; messages?: readonly RedfishMessage[]; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = details.status;
    this.messages = details.messages ?? [];
  }

  /** The first MessageId the iLO gave, if any. */
  get messageId(): string | undefined {
    return this.messages[0]?.messageId;
  }
}

/** The iLO rejected the user name or password (HTTP 401). */
export class IloAuthError extends RedfishError {
  constructor(message: string, details: { status?: number; messages?: readonly RedfishMessage[] } = {}) {
    super('auth-failed', message, details);
  }
}

/** Every session slot of the iLO is taken, typically by clients that never logged out. */
export class IloSessionLimitError extends RedfishError {
  constructor(message: string, details: { status?: number; messages?: readonly RedfishMessage[] } = {}) {
    super('session-limit', message, details);
  }
}

export class IloNotFoundError extends RedfishError {
  constructor(message: string, details: { status?: number; messages?: readonly RedfishMessage[] } = {}) {
    super('not-found', message, details);
  }
}

/** The iLO understood the request and said no (400, 403, 405, 409, 412...), with its reason. */
export class IloRefusedError extends RedfishError {
  constructor(message: string, details: { status?: number; messages?: readonly RedfishMessage[]; code?: 'refused' | 'forbidden' } = {}) {
    super(details.code ?? 'refused', message, details);
  }
}

/** Still 503 after every retry. */
export class IloBusyError extends RedfishError {
  constructor(message: string, details: { status?: number; messages?: readonly RedfishMessage[] } = {}) {
    super('busy', message, details);
  }
}

/** No TCP/TLS connection could be made: wrong address, iLO down, network path missing. */
export class IloUnreachableError extends RedfishError {
  constructor(message: string, cause?: unknown) {
    super('unreachable', message, { cause });
  }
}

export class IloTimeoutError extends RedfishError {
  constructor(message: string, cause?: unknown) {
    super('timeout', message, { cause });
  }
}

/** The iLO's certificate does not match what was pinned; no credentials were sent. */
export class IloUntrustedCertificateError extends RedfishError {
  constructor(
    message: string,
    /** SHA-256 fingerprint of the certificate the iLO presented, for the operator to check and pin. */
    readonly presentedFingerprint256: string | null,
    readonly reason: string,
  ) {
    super('untrusted-certificate', message);
  }
}

/** The iLO answered something that is not the Redfish we expect. */
export class IloProtocolError extends RedfishError {
  constructor(message: string, details: { status?: number; cause?: unknown } = {}) {
    super('protocol', message, details);
  }
}

/** A BIOS change that cannot work: unknown attribute, value not allowed. Nothing was sent. */
export class BiosChangeError extends RedfishError {
  constructor(
    message: string,
    readonly problems: readonly { attribute: string; problem: string }[],
  ) {
    super('invalid-change', message);
  }
}

/** A workload profile (or another setting) forces the attribute; it cannot change until that changes. Nothing was sent. */
export class BiosLockedError extends RedfishError {
  constructor(
    message: string,
    readonly locks: readonly { attribute: string; forcedValue: string | null; lockedBy: readonly { attribute: string; value: string }[] }[],
  ) {
    super('locked-by-profile', message);
  }
}

/** The iLO accepted the PATCH but the values are not pending afterwards. */
export class BiosChangeNotRecordedError extends RedfishError {
  constructor(message: string, readonly attributes: readonly string[]) {
    super('change-not-recorded', message);
  }
}

export class IloUnsupportedError extends RedfishError {
  constructor(message: string) {
    super('unsupported', message);
  }
}
