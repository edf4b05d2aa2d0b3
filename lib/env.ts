// Server configuration. Every variable is documented in .env.example. Read on access, not at
// import, so tests and scripts can set the environment before first use.

import 'server-only';
import path from 'node:path';

export const env = {
  /** SQLite: file:./data/fleet.db (relative to the working directory); PostgreSQL: postgresql://user:password@host:5432/database. */
  get databaseUrl(): string {
    return process.env.DATABASE_URL || 'file:./data/fleet.db';
  },
  /** PostgreSQL connections this server process keeps at most (POSTGRES_POOL_SIZE, default 10). */
  get postgresPoolSize(): number {
    return positive('POSTGRES_POOL_SIZE', 10);
  },
  /** How long a write waits for another process's lock on the SQLite file (SQLITE_BUSY_TIMEOUT_MS, default 1 s). */
  get sqliteBusyTimeoutMs(): number {
    return positive('SQLITE_BUSY_TIMEOUT_MS', 1_000);
  },
  /** AES-256-GCM key for secrets at rest: 32 bytes, base64. Falls back to secretsKeyFile. */
  get secretsKey(): string | undefined {
    return process.env.SECRETS_KEY || undefined;
  },
  get secretsKeyFile(): string {
    return process.env.SECRETS_KEY_FILE || path.join('data', 'secrets.key');
  },
  /** How often every agent is polled (SYNC_INTERVAL_MS, default 15 s). */
  get syncIntervalMs(): number {
    return positive('SYNC_INTERVAL_MS', 15_000);
  },
  /** Agents polled at once (SYNC_CONCURRENCY, default 16). */
  get syncConcurrency(): number {
    return positive('SYNC_CONCURRENCY', 16);
  },
  /** How often a host's BIOS is read through its iLO by the poller (BIOS_READ_INTERVAL_MS, default 5 min). */
  get biosReadIntervalMs(): number {
    return positive('BIOS_READ_INTERVAL_MS', 5 * 60_000);
  },
  /** How long a reset may take before its operation fails (RESET_TIMEOUT_MS, default 15 min). */
  get resetTimeoutMs(): number {
    return positive('RESET_TIMEOUT_MS', 15 * 60_000);
  },
  /** Attempts of an operation whose failures are transient (WORKER_MAX_ATTEMPTS, default 5). */
  get workerMaxAttempts(): number {
    return positive('WORKER_MAX_ATTEMPTS', 5);
  },
  /** First retry delay of a transient failure, doubled at each attempt (WORKER_RETRY_BASE_MS, default 2 s). */
  get workerRetryBaseMs(): number {
    return positive('WORKER_RETRY_BASE_MS', 2_000);
  },
  /** Tries of one Redfish request the iLO answers busy (503) before the call fails (ILO_RETRY_ATTEMPTS, default 5). */
  get iloRetryAttempts(): number {
    return positive('ILO_RETRY_ATTEMPTS', 5);
  },
  /** First wait after a busy answer, doubled each time unless the iLO asks for longer (ILO_RETRY_BASE_MS, default 500). */
  get iloRetryBaseMs(): number {
    return positive('ILO_RETRY_BASE_MS', 500);
  },
  /** How often the rollout driver looks at running rollouts (ROLLOUT_POLL_MS, default 1 s). */
  get rolloutPollMs(): number {
    return positive('ROLLOUT_POLL_MS', 1_000);
  },
  /** Operations carried out at once across the fleet, each alone in its lane (WORKER_CONCURRENCY, default 16); a reset waiting for a boot does not count. */
  get workerConcurrency(): number {
    return positive('WORKER_CONCURRENCY', 16);
  },
  /** The bearer token Prometheus sends to /metrics (METRICS_TOKEN); unset with no METRICS_TOKEN_FILE, /metrics answers 403. */
  get metricsToken(): string | undefined {
    return process.env.METRICS_TOKEN || undefined;
  },
  /** A file holding the /metrics token, read at each scrape so it can be replaced (METRICS_TOKEN_FILE). */
  get metricsTokenFile(): string | undefined {
    return process.env.METRICS_TOKEN_FILE || undefined;
  },
  /** FLEET_BACKGROUND=off runs the server without the poller and the operations worker. */
  get backgroundEnabled(): boolean {
    return process.env.FLEET_BACKGROUND !== 'off';
  },
};

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return value;
}
