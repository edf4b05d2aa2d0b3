// The undici connection pool the server talks to agents through, checking each agent's
// certificate the way iLOs are checked (agent/src/redfish/tls.ts): before a single byte of HTTP
// (the agent's token included) is sent. The agent itself reaches its iLO through node:https,
// which keeps undici out of its bundle and its memory.

import 'server-only';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { iloTlsCheck, type IloTrust } from '@/agent/src/redfish/tls';

export function createPinnedDispatcher(trust: IloTrust, options: { connectTimeoutMs: number; url: URL }): Agent {
  const check = iloTlsCheck(trust, options.url);
  const base = buildConnector({ ...check.connect, maxCachedSessions: 0, timeout: options.connectTimeoutMs } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (connectOptions, callback) => {
    base(connectOptions, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      const untrusted = check.verify(socket as TLSSocket);
      if (untrusted === null) {
        callback(null, socket);
        return;
      }
      socket.destroy();
      callback(untrusted, null);
    });
  };
  return new Agent({ connect });
}
