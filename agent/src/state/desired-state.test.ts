import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../agent';
import { MemoryEtcFiles, SimulatedHost } from '../sim/host';
import { FAST_TIMING } from '../sim/kernel';
import { PfLocks } from './pf-lock';

const PF = '0000:12:00.0';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-state-'));
  dirs.push(dir);
  return dir;
}

describe('desired state on disk', () => {
  it('survives the agent process: a new agent on a freshly booted host puts the VFs back', async () => {
    const dir = stateDir();
    const before = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, stateDir: dir, log: silentLog });
    await before.agent.setNumVfs(PF, 3);
    await before.agent.setVf('0000:12:10.4', { mac: '02:00:00:00:00:42', trust: true });
    const file = path.join(dir, 'desired-state.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ version: 1, pfs: { [PF]: { numVfs: 3, vfs: { '2': { mac: '02:00:00:00:00:42', trust: true } } } } });

    // A new process on a host that just booted: no VFs until the agent re-applies.
    const logged: string[] = [];
    const after = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, stateDir: dir, log: (_level, msg) => logged.push(msg) });
    expect(after.agent.physicalFunction(PF).numVfs).toBe(0);
    const report = await after.agent.reapplyDesiredState();
    expect(report).toEqual({ applied: ['3 VFs on 0000:12:00.0', 'settings of VF 2 (0000:12:10.4)'], failed: [] });
    expect(logged).toEqual(['re-applied 3 VFs on 0000:12:00.0', 're-applied settings of VF 2 (0000:12:10.4)', 'desired state re-applied']);
    expect(await after.agent.virtualFunctionWithSettings('0000:12:10.4')).toMatchObject({ mac: '02:00:00:00:00:42', trust: true });
  });

  it('ignores a state file it cannot read, with a warning, rather than refusing to start', async () => {
    const dir = stateDir();
    fs.writeFileSync(path.join(dir, 'desired-state.json'), '{"version":1,"updatedAt":null,"pfs":{"../../etc":{"numVfs":-4,"vfs":{}}}}');
    const warnings: string[] = [];
    const host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, stateDir: dir, log: (level, msg) => level === 'warn' && warnings.push(msg) });
    expect(warnings).toEqual([`ignoring unreadable ${dir}/desired-state.json; nothing to re-apply until the server pushes again`]);
    expect(await host.agent.desiredStateReport()).toEqual({ desired: { version: 1, updatedAt: null, pfs: {} }, drift: [] });
  });
});

describe('PfLocks', () => {
  it('lets a second change wait for the first when asked to wait', async () => {
    const locks = new PfLocks(1_000);
    const order: string[] = [];
    const first = locks.run(PF, 'first', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('first');
    });
    const second = locks.run(PF, 'second', async () => void order.push('second'));
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
  });

  it('answers busy once the wait is over', async () => {
    const locks = new PfLocks(20);
    const first = locks.run(PF, 'first', () => new Promise((resolve) => setTimeout(resolve, 200)));
    await expect(locks.run(PF, 'second', async () => 1)).rejects.toMatchObject({ code: 'busy' });
    await first;
  });
});

describe('a full disk when the desired state is written', () => {
  it('says the change took effect but will not survive a reboot (507, ENOSPC), and keeps the last desired state', async () => {
    const { startAgentServer } = await import('../server');
    const host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
    await host.agent.setNumVfs(PF, 2);
    const server = await startAgentServer({ agent: host.agent, token: 'enospc-test-token-0123456789', log: silentLog });
    try {
      (host.etc as MemoryEtcFiles).writeFault = 'ENOSPC';
      const res = await fetch(`${server.url}/v1/pfs/${PF}/num-vfs`, { method: 'PUT', headers: { authorization: 'Bearer enospc-test-token-0123456789', 'content-type': 'application/json' }, body: '{"numVfs":3}' });
      expect(res.status).toBe(507);
      const { error } = (await res.json()) as { error: { code: string; errno: string; message: string } };
      expect(error).toMatchObject({ code: 'not-saved', errno: 'ENOSPC' });
      expect(error.message).toMatch(/^3 VFs on 0000:12:00.0 took effect, but .*desired-state.json could not be written .*no space left on device.*: it will not be re-applied after a reboot/);
      expect(host.agent.physicalFunction(PF).numVfs).toBe(3);
      expect((await host.agent.desiredStateReport()).desired.pfs[PF]?.numVfs).toBe(2);

      (host.etc as MemoryEtcFiles).writeFault = null;
      await host.agent.setNumVfs(PF, 3);
      expect((await host.agent.desiredStateReport()).desired.pfs[PF]?.numVfs).toBe(3);
    } finally {
      await server.close();
    }
  });
});
