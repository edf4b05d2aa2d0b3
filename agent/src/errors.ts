import { ERROR_STATUS, type ErrorCode, type ErrorEnvelope, type IloErrorDetail } from './api-types';

export class AgentError extends Error {
  readonly code: ErrorCode;
  readonly errno: string | undefined;
  readonly issues: { path: string; message: string }[] | undefined;
  readonly ilo: IloErrorDetail | undefined;

  constructor(code: ErrorCode, message: string, options: { errno?: string; issues?: { path: string; message: string }[]; ilo?: IloErrorDetail } = {}) {
    super(message);
    this.name = 'AgentError';
    this.code = code;
    this.errno = options.errno;
    this.issues = options.issues;
    this.ilo = options.ilo;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toEnvelope(): ErrorEnvelope {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.errno ? { errno: this.errno } : {}),
        ...(this.issues ? { issues: this.issues } : {}),
        ...(this.ilo ? { ilo: this.ilo } : {}),
      },
    };
  }
}

/** The `code` of a Node system error (fs.writeFile, execFile) or of the simulated kernel's errors. */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** An error shaped like the ones node:fs raises, so real and simulated sysfs fail alike. */
export function systemError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const text = ERRNO_TEXT[code] ?? code;
  const err: NodeJS.ErrnoException = new Error(`${code}: ${text}, ${syscall} '${path}'`);
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  return err;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EBUSY: 'resource busy or locked',
  ERANGE: 'result too large',
  EINVAL: 'invalid argument',
  EPERM: 'operation not permitted',
  ENOMEM: 'not enough memory',
  EACCES: 'permission denied',
  ENODEV: 'no such device',
  EISDIR: 'illegal operation on a directory',
  ENOSPC: 'no space left on device',
  ENOTDIR: 'not a directory',
  EOPNOTSUPP: 'operation not supported on socket',
};
