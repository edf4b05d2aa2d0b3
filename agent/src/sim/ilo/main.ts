// Runs simulated iLOs as a process of their own, for the demo fleet and for end-to-end tests:
//   tsx agent/src/sim/ilo/main.ts --generation 5 --count 3
//   tsx agent/src/sim/ilo/main.ts --config fleet.json --cert-dir /tmp/ilo-certs
// Prints one JSON line per iLO (name, url, fingerprint256, ...) on stdout once all listen, then
// serves until SIGINT or SIGTERM.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startIloFleet } from './fleet';
import type { IloSimulatorOptions } from './server';

const Spec = z.object({
  name: z.string().optional(),
  generation: z.union([z.literal(4), z.literal(5), z.literal(6)]).optional(),
  cpu: z.enum(['intel', 'amd']).optional(),
  model: z.string().optional(),
  serialNumber: z.string().optional(),
  host: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  sessionLimit: z.number().int().positive().optional(),
  sessionTimeoutMs: z.number().int().positive().optional(),
  bios: z.record(z.string(), z.string()).optional(),
  powerState: z.enum(['On', 'Off']).optional(),
  latencyMs: z.number().int().min(0).optional(),
  redirectToTrailingSlash: z.boolean().optional(),
  sessionService: z.boolean().optional(),
  attributeRegistry: z.boolean().optional(),
});
const FleetFile = z.object({ ilos: z.array(Spec).min(1) });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      generation: { type: 'string', default: '5' },
      count: { type: 'string', default: '1' },
      port: { type: 'string', default: '0' },
      'cert-dir': { type: 'string' },
    },
  });
  let specs: IloSimulatorOptions[];
  if (values.config) {
    specs = FleetFile.parse(JSON.parse(await readFile(values.config, 'utf8'))).ilos;
  } else {
    const generation = Spec.shape.generation.parse(Number(values.generation));
    const count = Number(values.count);
    const firstPort = Number(values.port);
    specs = Array.from({ length: count }, (_, i) => ({
      name: `ilo-${i + 1}`,
      generation,
      port: firstPort === 0 ? 0 : firstPort + i,
    }));
  }

  const fleet = await startIloFleet(specs);
  const certDir = values['cert-dir'];
  if (certDir) await mkdir(certDir, { recursive: true });
  for (const ilo of fleet.ilos) {
    let certFile: string | undefined;
    if (certDir) {
      certFile = path.join(certDir, `${ilo.name}.pem`);
      await writeFile(certFile, ilo.certificate.cert);
    }
    process.stdout.write(
      `${JSON.stringify({ name: ilo.name, generation: ilo.generation, url: ilo.url, username: ilo.username, password: ilo.password, fingerprint256: ilo.certificate.fingerprint256, certFile })}\n`,
    );
  }

  const stop = () => {
    fleet.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
