// Builds agent/dist/sriov-agent.js: one self-contained file that runs on Node 20+ with no
// node_modules (Node built-ins only). With --sim, also agent/dist/sriov-sim.js: the demo fleet of
// simulated hosts with their agents and iLO simulators (bundles selfsigned; never installed on hosts).
//   node agent/build.mjs [--outfile PATH] [--sim]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { outfile: { type: 'string' }, sim: { type: 'boolean' } } });
const outfile = path.resolve(values.outfile ?? path.join(here, 'dist', 'sriov-agent.js'));

await bundle(path.join(here, 'src', 'main.ts'), outfile);
if (values.sim) await bundle(path.join(here, 'src', 'sim', 'main.ts'), path.join(path.dirname(outfile), 'sriov-sim.js'));

async function bundle(entry, file) {
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // CommonJS: the file runs wherever it is copied, with or without a package.json nearby.
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    legalComments: 'none',
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
  });
  // The repository's package.json says "type": "module"; this marker keeps the bundle CommonJS
  // when run from the source tree. Installed alone (see README), the file needs nothing beside it.
  fs.writeFileSync(path.join(path.dirname(file), 'package.json'), '{ "type": "commonjs" }\n');
  fs.chmodSync(file, 0o755);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  console.log(`built ${path.relative(process.cwd(), file)} (${Math.round(bytes / 1024)} KiB)`);
}
