// The client against the simulator running as a process of its own, pinned by the fingerprint
// the process prints: the way the demo fleet and end-to-end tests use them.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { biosGet, biosSet, powerReset, readNicFacts, withIlo, type IloTarget } from './index';

interface Listed {
  name: string;
  url: string;
  username: string;
  password: string;
  fingerprint256: string;
}

describe('simulated iLO process', () => {
  let child: ChildProcess;
  let ilos: Listed[];

  beforeAll(async () => {
    const main = path.join(import.meta.dirname, '..', 'sim', 'ilo', 'main.ts');
    child = spawn(process.execPath, ['--import', 'tsx', main, '--generation', '4', '--count', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    ilos = [];
    for await (const line of createInterface({ input: child.stdout! })) {
      ilos.push(JSON.parse(line) as Listed);
      if (ilos.length === 2) break;
    }
  });
  afterAll(() => {
    child.kill('SIGTERM');
  });

  async function simState(ilo: Listed): Promise<{ openSessions: number; bios: Record<string, string> }> {
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      const response = await fetch(`${ilo.url}/__sim/state`, { dispatcher });
      return (await response.json()) as { openSessions: number; bios: Record<string, string> };
    } finally {
      await dispatcher.close();
    }
  }

  it('enables SR-IOV and VT-d on one iLO 4 of the fleet and leaves the other alone', async () => {
    const [first, second] = ilos as [Listed, Listed];
    const target: IloTarget = { url: first.url, username: first.username, password: first.password, trust: { kind: 'fingerprint', sha256: first.fingerprint256 } };
    await biosSet(target, { Sriov: 'Enabled', IntelProcVtd: 'Enabled' });
    expect(await powerReset(target, 'GracefulRestart')).toEqual({ resetType: 'ForceRestart', powerState: 'On' });
    const bios = await biosGet(target);
    expect([bios.attributes.Sriov.current, bios.attributes.IntelProcVtd.current, bios.resetPending]).toEqual(['Enabled', 'Enabled', false]);

    expect(await simState(first)).toMatchObject({ openSessions: 0, bios: { Sriov: 'Enabled', IntelProcVtd: 'Enabled' } });
    expect(await simState(second)).toMatchObject({ openSessions: 0, bios: { Sriov: 'Disabled', IntelProcVtd: 'Disabled' } });
  });

  it('pins each iLO to its own certificate', async () => {
    const [first, second] = ilos as [Listed, Listed];
    const crossed = { url: second.url, username: second.username, password: second.password, trust: { kind: 'fingerprint' as const, sha256: first.fingerprint256 } };
    await expect(withIlo(crossed, (c) => readNicFacts(c))).rejects.toThrow(`Its SHA-256 fingerprint is ${second.fingerprint256}`);
    expect((await simState(second)).openSessions).toBe(0);
  });
});
