// The only place that reads a host's encrypted secrets: the agent token and the iLO password are
// decrypted here, in the server, for the call about to be made, and never returned by an API.

import 'server-only';
import { decryptSecret } from '@/lib/crypto/secrets';
import { prisma } from '@/lib/db/client';
import { iloTarget } from '@/lib/ilo/facts';
import type { IloTarget } from '@/agent/src/redfish';
import { AgentClient } from './client';

export class HostAccessError extends Error {}

export async function agentClientFor(hostId: string): Promise<AgentClient> {
  const host = await prisma.host.findUnique({ where: { id: hostId }, select: { name: true, agentUrl: true, agentTokenEnc: true, agentCertSha256: true } });
  if (!host) throw new HostAccessError(`No host with id "${hostId}".`);
  if (!host.agentTokenEnc) throw new HostAccessError(`${host.name} has no agent token; register the host's agent again.`);
  return new AgentClient({ url: host.agentUrl, token: decryptSecret(host.agentTokenEnc), certSha256: host.agentCertSha256 });
}

export async function iloTargetFor(hostId: string): Promise<IloTarget> {
  const bmc = await prisma.bmc.findUnique({ where: { hostId }, select: { address: true, userName: true, passwordEnc: true, tlsSha256: true, host: { select: { name: true } } } });
  if (!bmc) throw new HostAccessError('This host has no iLO registered.');
  if (!bmc.tlsSha256) throw new HostAccessError(`The iLO of ${bmc.host.name} has no pinned certificate; register it again with its fingerprint.`);
  return iloTarget({ address: bmc.address, userName: bmc.userName, password: decryptSecret(bmc.passwordEnc), tlsSha256: bmc.tlsSha256 });
}
