#!/usr/bin/env node
// Stand-in for Prisma's native schema engine binary, which cannot be downloaded where the network
// only reaches the npm registry. prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY here; the CLI
// spawns this file exactly as it would spawn the binary:
//
//   engine.mjs --version
//   engine.mjs [--datamodels <schema file>]... [--datasource <json>]   JSON-RPC on stdin/stdout
//   engine.mjs --datasource <json> cli <command>                       one-off command
//
// and every call goes to @prisma/schema-engine-wasm, which reaches the database through a Prisma
// driver adapter. See README.md.

import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { openDatabase } from './databases.mjs';
import { MethodNotFoundError, WasmSchemaEngine, engineVersion } from './wasm-engine.mjs';

/** @typedef {import('./databases.mjs').DatasourceConfig} DatasourceConfig */

/**
 * @typedef {object} JsonRpcMessage
 * @property {number | string} [id]
 * @property {string} [method]
 * @property {any} [params]
 * @property {unknown} [result]
 * @property {unknown} [error]
 */

const { values: options, positionals } = parseArgs({
  options: {
    version: { type: 'boolean' },
    datamodels: { type: 'string', multiple: true, default: [] },
    datasource: { type: 'string' },
    // Accepted for compatibility; the wasm engine takes neither.
    'enabled-preview-features': { type: 'string' },
    'extension-types': { type: 'string' },
  },
  allowPositionals: true,
});
/** @type {DatasourceConfig | undefined} */
const datasource = options.datasource === undefined ? undefined : JSON.parse(options.datasource);

if (options.version) {
  process.stdout.write(`schema-engine-cli ${engineVersion()} (@prisma/schema-engine-wasm)\n`);
} else if (positionals[0] === 'cli' && positionals.length === 2) {
  process.exitCode = await runCliCommand(/** @type {string} */ (positionals[1]), datasource);
} else if (positionals.length === 0) {
  serveJsonRpc(new WasmSchemaEngine({ schemaFiles: options.datamodels, datasource, log: (line) => process.stderr.write(line + '\n') }));
} else {
  process.stderr.write(`Unexpected arguments: ${positionals.join(' ')}\n`);
  process.exitCode = 1;
}

/**
 * The one-off commands `prisma migrate`/`db` run before starting the engine proper, to check that
 * the database exists and create it if not. The CLI reads their outcome from the exit code and,
 * on failure, from stderr: it drops the first line, parses every other one as a JSON log record,
 * and looks for an ERROR from `schema_engine::logger` with an error_code (P1003 = no such database).
 * @param {string} command
 * @param {DatasourceConfig | undefined} datasource
 * @returns {Promise<number>} exit code
 */
async function runCliCommand(command, datasource) {
  writeLogRecord('INFO', { message: `Starting schema engine CLI: ${command}` });
  try {
    if (!datasource) throw new Error('The cli commands need --datasource.');
    const database = openDatabase(datasource);
    if (command === 'can-connect-to-database') await database.probe();
    else if (command === 'create-database') await database.create();
    else throw new Error(`Unknown cli command: ${command}`);
    return 0;
  } catch (error) {
    const { message } = /** @type {Error} */ (error);
    const code = prismaErrorCode(error);
    writeLogRecord('ERROR', code ? { is_panic: false, error_code: code, message } : { is_panic: false, message });
    return 1;
  }
}

/**
 * @param {'INFO' | 'ERROR'} level
 * @param {Record<string, unknown>} fields
 */
function writeLogRecord(level, fields) {
  process.stderr.write(JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target: 'schema_engine::logger' }) + '\n');
}

/**
 * JSON-RPC 2.0, one message per line, requests handled one at a time in arrival order. The engine
 * also sends the CLI requests of its own: `print`, which the CLI answers once it has written the
 * content to its stdout.
 * @param {WasmSchemaEngine} engine
 */
function serveJsonRpc(engine) {
  /** @param {JsonRpcMessage} message */
  const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');

  let nextPrintId = 1;
  /** @type {Map<number | string, () => void>} */
  const awaitingAnswer = new Map();
  /** @param {string} content */
  const print = (content) =>
    new Promise((resolve) => {
      const id = nextPrintId++;
      awaitingAnswer.set(id, () => {
        awaitingAnswer.delete(id);
        resolve(undefined);
      });
      send({ id, method: 'print', params: { content } });
    });

  /** @param {JsonRpcMessage} request */
  async function handle(request) {
    try {
      let result = await engine.call(/** @type {string} */ (request.method), request.params);
      if (request.method === 'diff') {
        // The wasm engine returns the diff; the CLI expects the native engine's `print` request
        // (it ignores the returned stdout), and appends a newline to what it prints.
        const { stdout, ...rest } = /** @type {import('@prisma/schema-engine-wasm').DiffResult} */ (result);
        if (stdout) await print(stdout.replace(/\n$/, ''));
        result = { ...rest, stdout: null };
      }
      if (request.id !== undefined) send({ id: request.id, result: result ?? {} });
    } catch (error) {
      if (request.id !== undefined) send({ id: request.id, error: toJsonRpcError(error) });
    }
  }

  let queue = Promise.resolve();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    /** @type {JsonRpcMessage} */
    const message = JSON.parse(line);
    if (message.method === undefined) {
      // The CLI's answer to one of our `print` requests.
      if (message.id !== undefined) awaitingAnswer.get(message.id)?.();
      return;
    }
    queue = queue.then(() => handle(message));
  });
  // The CLI stops the engine by closing its stdin and, on Linux, sends SIGTERM right after. Close
  // the connections either way: SQLite removes its journal file only when the connection closes.
  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    stopping ??= queue.then(() => engine.close()).finally(() => process.exit(0));
  };
  lines.on('close', stop);
  process.on('SIGTERM', stop);
}

/**
 * The native engine's error shape: the CLI shows `data.message`, prefixed with `data.error_code`
 * when there is one, and reports `data.is_panic` errors as crashes.
 * @param {unknown} error
 */
function toJsonRpcError(error) {
  if (error instanceof MethodNotFoundError) return { code: -32601, message: error.message };
  const { message, stack } = /** @type {Error} */ (error);
  if (error instanceof WebAssembly.RuntimeError) {
    return { code: 4466, message, data: { is_panic: true, message, backtrace: stack ?? null } };
  }
  const code = prismaErrorCode(error);
  const data = code
    ? { is_panic: false, message, meta: {}, error_code: code }
    : { is_panic: false, message: message ?? String(error), backtrace: stack ?? null };
  return { code: 4466, message: 'An error happened. Check the data field for details.', data };
}

/**
 * The Prisma error code (P1003...) of an error from the wasm engine or from databases.mjs. Errors
 * from database drivers have codes of their own (SQLITE_CANTOPEN...), which the CLI must not get.
 * @param {unknown} error
 */
function prismaErrorCode(error) {
  const { code } = /** @type {{ code?: unknown }} */ (error);
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined;
}
