// @ts-check
// Before the server starts: a PostgreSQL DATABASE_URL must reach its server, or the process says
// so in one line and exits, rather than starting and failing every request with a stack trace.
// SQLite needs no check: the file is opened (and created) on first use.

import pg from 'pg';

/**
 * @param {string | undefined} url DATABASE_URL
 * @returns {Promise<string | null>} Why the database cannot be used; null when it can (or is SQLite).
 */
export async function databaseProblem(url) {
  if (!url || !/^postgres(ql)?:\/\//i.test(url)) return null;
  let where = 'the PostgreSQL server';
  try {
    const parsed = new URL(url);
    where = `PostgreSQL at ${parsed.hostname || 'localhost'}:${parsed.port || 5432}, database "${decodeURIComponent(parsed.pathname.slice(1))}"`;
  } catch {
    return 'DATABASE_URL is not a valid postgresql:// URL (postgresql://user:password@host:5432/database).';
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    const { code, message } = /** @type {{ code?: string, message?: string }} */ (error);
    const why =
      code === '3D000'
        ? 'the database does not exist (npm run db:migrate creates it)'
        : code === '28P01' || code === '28000'
          ? 'the server refused the user or password'
          : code === 'ECONNREFUSED'
            ? 'nothing answers there (connection refused)'
            : code === 'ENOTFOUND'
              ? 'the host name does not resolve'
              : (message ?? String(error));
    return `Cannot use ${where}: ${why}. Check DATABASE_URL.`;
  } finally {
    await client.end().catch(() => {});
  }
}
