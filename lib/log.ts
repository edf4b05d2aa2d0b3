// The server's structured log (server/log.mjs): JSON lines, the request id on every line written
// while a request is handled. Lines about an operation, a rollout or a host name them in fields,
// and an error goes in `err` (pino writes its type, message and stack):
//   log.info({ operation: op.id, kind, host }, 'operation succeeded')
//   log.error({ err: error }, 'the fleet figures could not be read')

import type { Logger } from 'pino';
import { logger } from '../server/log.mjs';

export type { Logger };

export const log: Logger = logger();
