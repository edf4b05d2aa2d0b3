// The same scenario against the simulated kernel (run on the host by run.mjs, bundled into
// sim-driver.cjs): a SimulatedHost of profile dl380-gen10 (366FLR, igb, 7 VFs) served by the
// agent's own HTTP server code, sysfs writes through the simulated kernel. One JSON line per step on stdout.
import http from 'node:http';
import { silentLog } from '../../src/agent';
import { startAgentServer, type RunningServer } from '../../src/server';
import { SimulatedHost } from '../../src/sim/host';
import { REAL_TIMING } from '../../src/sim/kernel';
import { numVfsRefusal } from '../../src/sysfs/refusals';
import { type ApiAnswer, type BootMode, runIommuScenario, runScenario, type Target } from './scenario';

const TOKEN = 'kernel-suite-token-0123456789';
const send = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'full';
  const host = new SimulatedHost({ profile: process.argv[3] ?? 'dl380-gen10', timing: REAL_TIMING, log: silentLog });
  // The same boots as the guest's: VT-d off in the BIOS, or on but intel_iommu=on left out.
  if (mode === 'iommu-off') await host.reboot({ sriov: true, iommu: false });
  if (mode === 'no-cmdline') {
    host.nextCmdline = host.nextCmdline.replace(/\s*intel_iommu=on/, '').replace(/\s*iommu=pt/, '');
    await host.reboot({ sriov: true, iommu: true });
  }
  const fs = host.kernel.fs;
  let server: RunningServer = await startAgentServer({ agent: host.agent, token: TOKEN, log: silentLog, port: 0 });
  const api = (method: string, route: string, body?: unknown, noToken = false): Promise<ApiAnswer> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request({ host: '127.0.0.1', port: server.port, method, path: route, agent: false /* a fresh connection per request: see README, finding on keep-alive */, headers: { ...(noToken ? {} : { authorization: `Bearer ${TOKEN}` }), ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* keep text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      req.end(data);
    });
  const target: Target = {
    name: 'sim',
    read(file) {
      try {
        return fs.read(file).trim();
      } catch {
        return null;
      }
    },
    readlink(link) {
      try {
        return fs.readlink(link);
      } catch {
        return null;
      }
    },
    list(dir) {
      try {
        return fs.list(dir);
      } catch {
        return [];
      }
    },
    async rawWrite(file, data) {
      try {
        await fs.write(file, data);
        return { errno: null };
      } catch (error) {
        return { errno: (error as NodeJS.ErrnoException).code ?? String(error), error };
      }
    },
    api,
    numVfsRefusal: (error, ctx) => numVfsRefusal(error, ctx).toEnvelope().error,
    async ipLink(netdev) {
      return JSON.parse((await host.run('ip', ['-j', 'link', 'show', ...(netdev ? ['dev', netdev] : [])])).stdout);
    },
    async restartAgent(between) {
      await server.close();
      await between();
      // What `serve` does at start: re-apply, then listen.
      await host.agent.reapplyDesiredState();
      server = await startAgentServer({ agent: host.agent, token: TOKEN, log: silentLog, port: 0 });
    },
  };
  const emit = { step: (record: object) => send({ type: 'step', target: 'sim', ...record }) };
  if (mode === 'full') await runScenario(target, emit);
  else await runIommuScenario(target, emit, mode as BootMode);
  await server.close();
}

main().then(
  () => send({ type: 'done' }),
  (err: unknown) => {
    send({ type: 'fatal', message: err instanceof Error ? err.stack : String(err) });
    process.exitCode = 1;
  },
);
