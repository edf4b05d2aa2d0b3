// Builds agent/dist/sriov-agent.js: one self-contained file that runs on Node 20+ with no
// node_modules (Node built-ins only). With --sim, also agent/dist/sriov-sim.js: the demo fleet of
// simulated hosts with their agents and iLO simulators (bundles selfsigned; never installed on hosts).
//   node agent/build.mjs [--outfile PATH] [--sim]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { outfile: { type: 'string' }, sim: { type: 'boolean' } } });
const outfile = path.resolve(values.outfile ?? path.join(here, 'dist', 'sriov-agent.js'));

const lazyRedfish = await lazyRedfishPlugin();
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
    plugins: [lazyRedfish],
  });
  // The repository's package.json says "type": "module"; this marker keeps the bundle CommonJS
  // when run from the source tree. Installed alone (see README), the file needs nothing beside it.
  fs.writeFileSync(path.join(path.dirname(file), 'package.json'), '{ "type": "commonjs" }\n');
  fs.chmodSync(file, 0o755);
  // A renamed import in src/ilo.ts would inline the client again without a word: refuse that.
  const inlined = Object.keys(result.metafile.inputs).filter((input) => input.includes('node_modules/undici/') || input.includes('src/redfish/'));
  if (inlined.length > 0) throw new Error(`${path.basename(file)} must load the Redfish client lazily (src/ilo.ts), but inlines ${inlined[0]}`);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  console.log(`built ${path.relative(process.cwd(), file)} (${Math.round(bytes / 1024)} KiB)`);
}

/**
 * The Redfish client (src/redfish) is code that most agents never run (770 KiB when it carried undici),
 * and Node parses all of a script it loads: bundled inline, even never evaluated, it cost 3.4 MB
 * of idle RSS (measured, Node 20). So it is bundled on its own, brotli-compressed into the agent's
 * file as base64 (200 KiB), and compiled when src/ilo.ts first imports it. Run from source (tsx,
 * vitest) that import is a plain one.
 */
async function lazyRedfishPlugin() {
  const result = await build({
    entryPoints: [path.join(here, 'src', 'redfish', 'index.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    legalComments: 'none',
    minifySyntax: true,
    minifyWhitespace: true,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].contents;
  const packed = zlib.brotliCompressSync(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: code.length } });
  const loader = `
const { brotliDecompressSync } = require('node:zlib');
const { compileFunction } = require('node:vm');
const code = brotliDecompressSync(Buffer.from(${JSON.stringify(packed.toString('base64'))}, 'base64')).toString('utf8');
const chunk = { exports: {} };
compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: __filename + ' (redfish)' })(chunk.exports, require, chunk, __filename, __dirname);
module.exports = chunk.exports;
`;
  const ilo = path.join(here, 'src', 'ilo.ts');
  return {
    name: 'lazy-redfish',
    setup(b) {
      b.onResolve({ filter: /^\.\/redfish\/index$/ }, (args) => (args.importer === ilo ? { path: 'redfish', namespace: 'lazy-redfish' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'lazy-redfish' }, () => ({ contents: loader, loader: 'js', resolveDir: here }));
    },
  };
}
