// A host joins the inventory: its agent (URL, token, pinned certificate) and its iLO (address,
// user, password, pinned certificate). The iLO is asked for the server's model, serial, CPU
// vendor and BIOS first, so a host is never registered with facts nobody checked.

import 'server-only';
import { z } from 'zod';
import { normalizeFingerprint } from '@/agent/src/redfish';
import { encryptSecret } from '@/lib/crypto/secrets';
import { prisma } from '@/lib/db/client';
import { iloProblem, readIloFacts, type IloFacts } from '@/lib/ilo/facts';
import { refreshFleetFacts } from '@/lib/inventory/fleet-facts';
import { storeBiosRegistry } from '@/lib/sync/ilo-state';

const fingerprint = z.string().transform((value, ctx) => {
  try {
    return normalizeFingerprint(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'a SHA-256 certificate fingerprint: 64 hexadecimal digits, colons optional' });
    return z.NEVER;
  }
});

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export const registerHostSchema = z.strictObject({
  name: z.string().trim().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/i, 'letters, digits, "." and "-", starting with a letter or digit (at most 63)'),
  agent: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, message: 'an http:// or https:// URL' }),
      token: z.string().min(16, 'at least 16 characters').max(512),
      certSha256: fingerprint.optional(),
    })
    .superRefine((agent, ctx) => {
      const url = new URL(agent.url);
      // Plain HTTP only where nobody else can listen: the agent on the same machine.
      if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be https:// with certSha256 unless the agent is on this machine (loopback)' });
      }
      if (url.protocol === 'https:' && !agent.certSha256) {
        ctx.addIssue({ code: 'custom', path: ['certSha256'], message: "required for https: the SHA-256 fingerprint of the agent's certificate" });
      }
    }),
  ilo: z.strictObject({
    address: z.string().trim().min(1).max(255).regex(/^(https:\/\/)?[A-Za-z0-9.:[\]-]+\/?$/, 'a host name or address, optionally with :port, or an https:// URL'),
    userName: z.string().min(1, 'required').max(64),
    password: z.string().min(1, 'required').max(256),
    certSha256: fingerprint,
  }),
});
export type RegisterHostInput = z.infer<typeof registerHostSchema>;

export type RegisterResult =
  | { ok: true; host: { id: string; name: string; model: string; generation: string; serialNumber: string }; facts: IloFacts }
  | { ok: false; code: 'bad-request' | 'conflict'; message: string; path: string };

export async function registerHost(input: RegisterHostInput): Promise<RegisterResult> {
  if (await prisma.host.findUnique({ where: { name: input.name }, select: { id: true } })) {
    return { ok: false, code: 'conflict', path: 'name', message: `name: a host named "${input.name}" is already registered` };
  }
  let facts: IloFacts;
  try {
    facts = await readIloFacts({ address: input.ilo.address, userName: input.ilo.userName, password: input.ilo.password, tlsSha256: input.ilo.certSha256 });
  } catch (error) {
    const problem = iloProblem(error);
    if (problem === null) throw error;
    return { ok: false, code: 'bad-request', path: 'ilo', message: `ilo: ${problem}` };
  }
  const existing = await prisma.host.findUnique({ where: { serialNumber: facts.serialNumber }, select: { name: true } });
  if (existing) {
    return { ok: false, code: 'conflict', path: 'ilo', message: `ilo: this server (serial ${facts.serialNumber}) is already registered as "${existing.name}"` };
  }
  const host = await prisma.host.create({
    data: {
      name: input.name,
      model: facts.model,
      generation: facts.generation,
      serialNumber: facts.serialNumber,
      cpuVendor: facts.cpuVendor,
      powerState: facts.powerState,
      agentUrl: input.agent.url,
      agentTokenEnc: encryptSecret(input.agent.token),
      agentCertSha256: input.agent.certSha256 ?? null,
      bmc: {
        create: {
          address: input.ilo.address,
          generation: facts.iloGeneration,
          firmwareVersion: facts.iloFirmware,
          userName: input.ilo.userName,
          passwordEnc: encryptSecret(input.ilo.password),
          tlsSha256: input.ilo.certSha256,
        },
      },
      bios: { create: facts.bios },
      biosRead: {
        create: {
          readAt: new Date(),
          resetRequired: facts.resetRequired,
          lastApplyAt: facts.lastApply.at,
          lastApplyMessages: JSON.stringify(facts.lastApply.messages),
          values: JSON.stringify(facts.values),
        },
      },
    },
    select: { id: true, name: true, model: true, generation: true, serialNumber: true },
  });
  await storeBiosRegistry(host.id, facts.registry);
  await refreshFleetFacts(prisma, [host.id]);
  return { ok: true, host, facts };
}
