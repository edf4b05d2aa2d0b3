// The databases the engine can reach, chosen by the scheme of the datasource URL. Each one pairs a
// Prisma driver adapter (through which the wasm schema engine runs every query) with the few
// operations the wasm engine cannot do for it: probing and creating the database for the CLI's
// one-off `cli` commands, and, where the wasm engine's reset falls short, resetting it.

import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import pg from 'pg';

/** @typedef {import('@prisma/driver-adapter-utils').SqlDriverAdapter} SqlDriverAdapter */
/** @typedef {import('@prisma/driver-adapter-utils').SqlMigrationAwareDriverAdapterFactory} SqlMigrationAwareDriverAdapterFactory */

/**
 * The `datasource` the CLI passes as JSON in `--datasource`: prisma.config.ts' datasource block.
 * @typedef {object} DatasourceConfig
 * @property {string} url
 * @property {string} [shadowDatabaseUrl]
 */

/**
 * @typedef {object} Database
 * @property {SqlMigrationAwareDriverAdapterFactory} adapterFactory
 *   Hands the wasm engine its connections (main and shadow database).
 * @property {() => Promise<void>} probe
 *   Throws a UserFacingError (P1003 when the database does not exist) unless it can be reached.
 * @property {() => Promise<string>} create Creates the database; returns its name.
 * @property {(() => Promise<void>) | undefined} reset
 *   Replaces the wasm engine's reset where that one does not work. The engine must be rebuilt
 *   afterwards: every connection it held is closed.
 * @property {() => boolean | undefined} migrationsTableFound
 *   Whether the engine's last read of `_prisma_migrations` found the table (undefined: no read).
 * @property {() => Promise<void>} close Closes every connection handed out.
 */

/** An error the Prisma CLI shows as is, with its Prisma error code (P1003, P1013...). */
export class UserFacingError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'UserFacingError';
    this.code = code;
  }
}

/**
 * Opens (lazily: nothing connects before the engine asks) the database behind a datasource.
 * @param {DatasourceConfig} datasource
 * @returns {Database}
 */
export function openDatabase(datasource) {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(datasource.url)?.[1]?.toLowerCase();
  if (scheme === 'file') return openSqlite(datasource);
  if (scheme === 'postgres' || scheme === 'postgresql') return openPostgres(datasource);
  throw new UserFacingError(
    'P1013',
    `The provided database string is invalid. This schema engine (scripts/prisma-schema-engine) supports SQLite (\`file:\` URLs) and PostgreSQL (\`postgresql:\`), not \`${scheme ?? datasource.url}:\`.`,
  );
}

/**
 * @param {DatasourceConfig} datasource
 * @returns {Database}
 */
function openSqlite({ url, shadowDatabaseUrl }) {
  const file = sqliteFilePath(url);
  const adapterFactory = new SqliteAdapterFactory(
    file,
    // better-sqlite3's default shadow database is `:memory:`, which is what we want too.
    shadowDatabaseUrl === undefined ? undefined : sqliteFilePath(shadowDatabaseUrl),
  );
  return {
    adapterFactory,
    async probe() {
      if (!fs.existsSync(file)) {
        throw new UserFacingError('P1003', `Database \`${path.basename(file)}\` does not exist at \`${file}\`.`);
      }
    },
    async create() {
      // better-sqlite3 creates the file but not its folder (e.g. a fresh checkout's data/).
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await (await new PrismaBetterSqlite3({ url: file }).connect()).dispose();
      return path.basename(file);
    },
    // The wasm engine's reset only empties SQLite tables (DELETE FROM each), so that `migrate reset`
    // then fails re-creating them; the native engine deletes the file.
    async reset() {
      await adapterFactory.closeAll();
      for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    },
    migrationsTableFound: () => adapterFactory.migrationsTableFound,
    close: () => adapterFactory.closeAll(),
  };
}

/**
 * The file of a `file:` URL (or `:memory:`), resolved like the native engine does: against the
 * working directory, which the CLI sets to the folder of prisma.config.ts. Query parameters are
 * dropped.
 * @param {string} url
 */
function sqliteFilePath(url) {
  if (!url.startsWith('file:')) {
    throw new UserFacingError('P1013', `The provided database string is invalid. Expected a \`file:\` URL, got \`${url}\`.`);
  }
  const file = url.slice('file:'.length).replace(/[?#].*$/s, '');
  return file === ':memory:' ? file : path.resolve(file);
}

/**
 * PrismaBetterSqlite3, handing out SqliteConnections and keeping track of them so that a reset can
 * close them before deleting the file.
 * @implements {SqlMigrationAwareDriverAdapterFactory}
 */
class SqliteAdapterFactory {
  provider = /** @type {const} */ ('sqlite');
  adapterName = '@prisma/adapter-better-sqlite3';
  /** Whether the last read of the migrations table found it (undefined: not read yet). */
  migrationsTableFound = /** @type {boolean | undefined} */ (undefined);
  #inner;
  /** @type {Set<SqlDriverAdapter>} */
  #open = new Set();

  /**
   * @param {string} file
   * @param {string | undefined} shadowFile
   */
  constructor(file, shadowFile) {
    this.#inner = new PrismaBetterSqlite3({ url: file }, { shadowDatabaseUrl: shadowFile });
  }

  async connect() {
    return this.#track(() => this.#inner.connect());
  }

  async connectToShadowDb() {
    return this.#track(() => this.#inner.connectToShadowDb());
  }

  async closeAll() {
    const open = [...this.#open];
    this.#open.clear();
    await Promise.all(open.map((adapter) => adapter.dispose()));
  }

  /** @param {() => Promise<SqlDriverAdapter>} open */
  #track(open) {
    const connection = new SqliteConnection(open, {
      onDispose: () => this.#open.delete(connection),
      onMigrationsTableRead: (found) => (this.migrationsTableFound = found),
    });
    this.#open.add(connection);
    return connection;
  }
}

/** @satisfies {import('@prisma/driver-adapter-utils').SqlResultSet} */
const EMPTY_RESULT_SET = { columnNames: [], columnTypes: [], rows: [] };

/**
 * A better-sqlite3 connection with what the wasm engine expects of SQLite and does not get:
 * - The engine connects when it starts, even for commands that need no database, such as
 *   `migrate diff --from-empty --to-schema`; better-sqlite3 would create the file then, or fail
 *   when its folder does not exist. The file is opened on the first query instead.
 * - The engine replays each migration on the shadow database as a single executeRaw of the whole
 *   migration.sql, which better-sqlite3's prepare() rejects with a RangeError ("contains more than
 *   one statement"). Such a script goes through executeScript (sqlite3_exec) instead.
 * - The engine learns that the migrations table does not exist yet by reading it: the native engine
 *   recognises SQLite's "no such table" there, the wasm build turns it into a P1014 error that fails
 *   `migrate dev`/`status` on a fresh database. The read answers "no rows" instead, and the factory
 *   remembers that the table was missing.
 * @implements {SqlDriverAdapter}
 */
class SqliteConnection {
  provider = /** @type {const} */ ('sqlite');
  adapterName = '@prisma/adapter-better-sqlite3';
  #open;
  /** @type {Promise<SqlDriverAdapter> | undefined} */
  #inner;
  #hooks;

  /**
   * @param {() => Promise<SqlDriverAdapter>} open
   * @param {{ onDispose: () => void, onMigrationsTableRead: (found: boolean) => void }} hooks
   */
  constructor(open, hooks) {
    this.#open = open;
    this.#hooks = hooks;
  }

  #connection() {
    this.#inner ??= this.#open();
    return this.#inner;
  }

  /** @param {import('@prisma/driver-adapter-utils').SqlQuery} query */
  async queryRaw(query) {
    const readsMigrationsTable = /\bfrom\s+[`"]?_prisma_migrations\b/i.test(query.sql);
    try {
      const result = await (await this.#connection()).queryRaw(query);
      if (readsMigrationsTable) this.#hooks.onMigrationsTableRead(true);
      return result;
    } catch (error) {
      if (!(readsMigrationsTable && isDriverAdapterError(error) && error.cause.kind === 'TableDoesNotExist')) throw error;
      this.#hooks.onMigrationsTableRead(false);
      return EMPTY_RESULT_SET;
    }
  }

  /** @param {import('@prisma/driver-adapter-utils').SqlQuery} query */
  async executeRaw(query) {
    const connection = await this.#connection();
    try {
      return await connection.executeRaw(query);
    } catch (error) {
      if (!(error instanceof RangeError && query.args.length === 0 && /more than one statement/.test(error.message))) throw error;
      await connection.executeScript(query.sql);
      // sqlite3_exec reports no row count; the engine does not look at it for scripts.
      return 0;
    }
  }

  /** @param {string} script */
  async executeScript(script) {
    return (await this.#connection()).executeScript(script);
  }

  /** @param {import('@prisma/driver-adapter-utils').IsolationLevel} [isolationLevel] */
  async startTransaction(isolationLevel) {
    return (await this.#connection()).startTransaction(isolationLevel);
  }

  async dispose() {
    this.#hooks.onDispose();
    await (await this.#inner)?.dispose();
  }
}

/**
 * The fields of a PostgreSQL URL as pg's own config. adapter-pg builds its shadow database's pool
 * as `{ ...config, database }`, and pg lets a connectionString win over `database`: given a URL,
 * the "shadow" pool would silently be the main database.
 * @param {string} url
 * @returns {pg.PoolConfig}
 */
function pgConfig(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserFacingError('P1013', 'The provided database string is invalid: not a URL.');
  }
  const params = parsed.searchParams;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new UserFacingError('P1013', 'The provided database string is invalid: it names no database (postgresql://user@host:port/DATABASE).');
  return {
    // `?host=/run/postgresql` names a socket folder, as libpq allows.
    host: params.get('host') ?? (decodeURIComponent(parsed.hostname) || 'localhost'),
    port: parsed.port ? Number(parsed.port) : Number(params.get('port') ?? 5432),
    user: decodeURIComponent(parsed.username) || undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    // A schema engine connection lives for one CLI command.
    max: 4,
  };
}

/**
 * A pg client whose results report PostgreSQL's internal single-byte `"char"` type (oid 18, used by
 * the catalog columns the engine introspects: relkind, contype, ...) as text: adapter-pg has no
 * column type for it and fails the whole read with UnsupportedNativeDataType.
 */
class CharAsTextClient extends pg.Client {
  /** @param {...any} args */
  query(...args) {
    // pg.Pool calls query(text, values, callback); adapter-pg's transactions call query(config).
    const callback = typeof args.at(-1) === 'function' ? args.pop() : undefined;
    if (callback) {
      // @ts-expect-error pg's overloads do not spread.
      return super.query(...args, (/** @type {unknown} */ error, /** @type {any} */ result) => callback(error, error ? result : charAsText(result)));
    }
    // @ts-expect-error pg's overloads do not spread.
    const result = super.query(...args);
    return typeof result?.then === 'function' ? result.then(charAsText) : result;
  }
}

/** @param {any} result One result, or several for a multi-statement query. */
function charAsText(result) {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of one?.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
  }
  return result;
}

/**
 * @param {DatasourceConfig} datasource
 * @returns {Database}
 */
function openPostgres({ url, shadowDatabaseUrl }) {
  const config = pgConfig(url);
  const factory = new PostgresAdapterFactory(config, shadowDatabaseUrl === undefined ? undefined : pgConfig(shadowDatabaseUrl));
  return {
    adapterFactory: factory,
    async probe() {
      const client = new pg.Client(config);
      try {
        await client.connect();
      } catch (error) {
        throw pgUserFacing(error, config);
      } finally {
        await client.end().catch(() => {});
      }
    },
    async create() {
      await withMaintenance(config, (client) => client.query(`CREATE DATABASE ${quoteIdent(/** @type {string} */ (config.database))}`));
      return /** @type {string} */ (config.database);
    },
    // The wasm engine's reset drops and re-creates the schema on PostgreSQL, as the native one does.
    reset: undefined,
    migrationsTableFound: () => factory.migrationsTableFound,
    close: () => factory.closeAll(),
  };
}

/** @param {string} name */
function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Runs `work` on a connection to the server's `postgres` database (CREATE/DROP DATABASE cannot run
 * on the database concerned).
 * @param {pg.ClientConfig} config
 * @param {(client: pg.Client) => Promise<unknown>} work
 */
async function withMaintenance(config, work) {
  const client = new pg.Client({ ...config, database: 'postgres' });
  try {
    await client.connect();
    await work(client);
  } catch (error) {
    throw pgUserFacing(error, config);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * pg's connection errors in the Prisma CLI's words (P1003: no such database, which makes
 * `migrate deploy` create it; P1001: server unreachable; P1000: authentication).
 * @param {unknown} error
 * @param {pg.ClientConfig} config
 */
function pgUserFacing(error, config) {
  const code = /** @type {{ code?: string }} */ (error)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === '3D000') return new UserFacingError('P1003', `Database \`${config.database}\` does not exist on the database server at \`${config.host}:${config.port}\`.`);
  if (code === '28P01' || code === '28000') return new UserFacingError('P1000', `Authentication failed against the database server at \`${config.host}:${config.port}\`: ${message}`);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ENOENT' || code === 'ETIMEDOUT') {
    return new UserFacingError('P1001', `Can't reach database server at \`${config.host}:${config.port}\`: ${message}`);
  }
  return error;
}

/**
 * adapter-pg's factory, with its pools made of CharAsTextClients, its shadow database reached by
 * name rather than by the main database's URL, dropped only once its pool is closed (DROP DATABASE
 * refuses a database with open sessions), and every connection tracked so that a stop closes them.
 * @implements {SqlMigrationAwareDriverAdapterFactory}
 */
class PostgresAdapterFactory {
  provider = /** @type {const} */ ('postgres');
  adapterName = '@prisma/adapter-pg';
  /** Whether the last read of the migrations table found it (undefined: not read yet). */
  migrationsTableFound = /** @type {boolean | undefined} */ (undefined);
  #config;
  #shadowConfig;
  /** @type {Set<SqlDriverAdapter>} */
  #open = new Set();

  /**
   * @param {pg.PoolConfig} config
   * @param {pg.PoolConfig | undefined} shadowConfig Given by the datasource's shadowDatabaseUrl; otherwise a throwaway database.
   */
  constructor(config, shadowConfig) {
    this.#config = config;
    this.#shadowConfig = shadowConfig;
  }

  async connect() {
    return this.#track(this.#adapterOn(this.#config));
  }

  async connectToShadowDb() {
    if (this.#shadowConfig) return this.#track(this.#adapterOn(this.#shadowConfig));
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await withMaintenance(this.#config, (client) => client.query(`CREATE DATABASE ${quoteIdent(database)}`));
    const adapter = await this.#adapterOn({ ...this.#config, database });
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await withMaintenance(this.#config, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`));
    };
    return this.#track(adapter);
  }

  async closeAll() {
    const open = [...this.#open];
    this.#open.clear();
    await Promise.all(open.map((adapter) => adapter.dispose()));
  }

  /** @param {pg.PoolConfig} config */
  async #adapterOn(config) {
    const pool = new pg.Pool({ ...config, Client: CharAsTextClient });
    return new PrismaPg(pool, { disposeExternalPool: true }).connect();
  }

  /** @param {Promise<SqlDriverAdapter> | SqlDriverAdapter} adapter */
  async #track(adapter) {
    const inner = await adapter;
    const connection = new MigrationsTableAware(inner, {
      onDispose: () => this.#open.delete(connection),
      onMigrationsTableRead: (found) => (this.migrationsTableFound = found),
    });
    this.#open.add(connection);
    return connection;
  }
}

/**
 * A connection whose read of a missing `_prisma_migrations` answers "no rows" (see
 * SqliteConnection: the wasm build turns "no such table" there into P1014).
 * @implements {SqlDriverAdapter}
 */
class MigrationsTableAware {
  #inner;
  #hooks;

  /**
   * @param {SqlDriverAdapter} inner
   * @param {{ onDispose: () => void, onMigrationsTableRead: (found: boolean) => void }} hooks
   */
  constructor(inner, hooks) {
    this.#inner = inner;
    this.#hooks = hooks;
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  /** @param {import('@prisma/driver-adapter-utils').SqlQuery} query */
  async queryRaw(query) {
    const readsMigrationsTable = /\bfrom\s+(?:"?[a-z_]+"?\.)?[`"]?_prisma_migrations\b/i.test(query.sql);
    try {
      const result = await this.#inner.queryRaw(query);
      if (readsMigrationsTable) this.#hooks.onMigrationsTableRead(true);
      return result;
    } catch (error) {
      if (!(readsMigrationsTable && isDriverAdapterError(error) && error.cause.kind === 'TableDoesNotExist')) throw error;
      this.#hooks.onMigrationsTableRead(false);
      return EMPTY_RESULT_SET;
    }
  }

  /** @param {import('@prisma/driver-adapter-utils').SqlQuery} query */
  executeRaw(query) {
    return this.#inner.executeRaw(query);
  }

  /** @param {string} script */
  executeScript(script) {
    return this.#inner.executeScript(script);
  }

  /** @param {import('@prisma/driver-adapter-utils').IsolationLevel} [isolationLevel] */
  startTransaction(isolationLevel) {
    return this.#inner.startTransaction(isolationLevel);
  }

  getConnectionInfo() {
    return this.#inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  async dispose() {
    this.#hooks.onDispose();
    await this.#inner.dispose();
  }
}
