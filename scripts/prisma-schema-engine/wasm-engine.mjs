// @prisma/schema-engine-wasm driven through a Prisma driver adapter, with the native engine's
// behaviour restored where the wasm build differs from it.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { openDatabase } from './databases.mjs';

/** @typedef {import('@prisma/schema-engine-wasm').SchemaEngine} SchemaEngine */
/** @typedef {import('./databases.mjs').DatasourceConfig} DatasourceConfig */
/** @typedef {import('./databases.mjs').Database} Database */

/** JSON-RPC methods whose name and parameters are the same in the native and the wasm engine. */
const PASS_THROUGH = new Set([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'debugPanic',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'diff',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'schemaPush',
]);

let wasmLoaded = false;

/**
 * The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20
 * cannot do (no wasm ES modules without a flag). Do what that import would: instantiate the module
 * with the JS glue as its only import, then hand the instance back to the glue.
 */
function loadWasm() {
  if (wasmLoaded) return;
  const wasmFile = fileURLToPath(new URL('schema_engine_bg.wasm', import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg')));
  const wasmModule = new WebAssembly.Module(fs.readFileSync(wasmFile));
  const instance = new WebAssembly.Instance(wasmModule, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  /** @type {() => void} */ (instance.exports.__wbindgen_start)();
  wasmLoaded = true;
}

/** The git hash of prisma-engines the wasm engine was built from. */
export function engineVersion() {
  loadWasm();
  return glue.version();
}

export class MethodNotFoundError extends Error {
  /** @param {string} method */
  constructor(method) {
    super(`Unknown method: ${method}`);
    this.name = 'MethodNotFoundError';
  }
}

export class WasmSchemaEngine {
  /** @type {Database} */
  #database;
  /** The database's adapter factory, wrapped the way the wasm engine calls it. */
  #adapterFactory;
  /** @type {[string, string][] | undefined} */
  #datamodels;
  /** @type {(line: string) => void} */
  #log;
  /** @type {SchemaEngine | undefined} */
  #engine;

  /**
   * @param {object} options
   * @param {string[]} options.schemaFiles Paths of the Prisma schema files (`--datamodels`).
   * @param {DatasourceConfig | undefined} options.datasource
   * @param {(line: string) => void} options.log Receives the engine's JSON log lines.
   */
  constructor({ schemaFiles, datasource, log }) {
    // Commands such as `migrate diff --from-empty --to-schema` need no database, but the wasm engine
    // wants an adapter all the same: an in-memory SQLite one.
    this.#database = openDatabase(datasource ?? { url: 'file::memory:' });
    this.#adapterFactory = bindMigrationAwareSqlAdapterFactory(this.#database.adapterFactory);
    // The engine wants either no datamodels or a non-empty list of [path, content].
    this.#datamodels = schemaFiles.length > 0 ? schemaFiles.map((file) => [file, fs.readFileSync(file, 'utf8')]) : undefined;
    this.#log = log;
  }

  /**
   * Runs one JSON-RPC method of the native engine.
   * @param {string} method
   * @param {any} params
   * @returns {Promise<unknown>}
   */
  async call(method, params) {
    try {
      return await this.#call(method, params);
    } catch (error) {
      // What a driver adapter throws reaches us as "External error id#N": the original waits in
      // the adapter factory's error registry.
      const id = /^External error id#(\d+)/.exec(/** @type {Error} */ (error).message)?.[1];
      const original = id === undefined ? undefined : this.#adapterFactory.errorRegistry.consumeError(Number(id));
      throw original ? original.error : error;
    }
  }

  /**
   * @param {string} method
   * @param {any} params
   */
  async #call(method, params) {
    if (method === 'getDatabaseVersion') return (await this.#connected()).version(params);
    if (method === 'createDatabase') return { databaseName: await this.#database.create() };
    if (method === 'reset') return this.#reset(params);
    if (!PASS_THROUGH.has(method)) throw new MethodNotFoundError(method);
    const engine = await this.#connected();
    if (method === 'evaluateDataLoss') {
      // On SQLite the wasm engine's evaluateDataLoss fails ("SQLite shadow DB must be provided
      // through an external factory") unless devDiagnostic ran before it with no migration applied
      // in between, and `migrate dev` applies pending migrations between the two. Running it again
      // costs one replay of the migrations on the (in-memory) shadow database.
      await engine.devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters });
    }
    // Called on the engine itself: the wasm-bindgen methods need `this`.
    const result = await /** @type {any} */ (engine)[method](params);
    if (method === 'diagnoseMigrationHistory' && this.#database.migrationsTableFound() === false) {
      // The database layer answered the engine's read of the missing table with "no rows".
      result.hasMigrationsTable = false;
    }
    return result;
  }

  async close() {
    this.#engine?.free();
    this.#engine = undefined;
    await this.#database.close();
  }

  /** @param {import('@prisma/schema-engine-wasm').ResetInput} params */
  async #reset(params) {
    if (!this.#database.reset) return (await this.#connected()).reset(params);
    // The database's own reset closes every connection, and the engine keeps its connection for
    // its lifetime: drop the engine, the next call builds a new one.
    this.#engine?.free();
    this.#engine = undefined;
    await this.#database.reset();
    return {};
  }

  async #connected() {
    if (!this.#engine) {
      loadWasm();
      this.#engine = await glue.SchemaEngine.new(
        { datamodels: this.#datamodels },
        (/** @type {string} */ line) => this.#log(line.trimEnd()),
        this.#adapterFactory,
      );
    }
    return this.#engine;
  }
}
