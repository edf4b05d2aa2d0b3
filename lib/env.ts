// Server configuration. Every variable is documented in .env.example. Read on access, not at
// import, so tests and scripts can set the environment before first use.

import 'server-only';
import path from 'node:path';

export const env = {
  /** SQLite: file:./data/fleet.db (relative to the working directory). */
  get databaseUrl(): string {
    return process.env.DATABASE_URL || 'file:./data/fleet.db';
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
  /** Log a line per poll round (SYNC_LOG=1). */
  get syncLogRounds(): boolean {
    return process.env.SYNC_LOG === '1';
  },
  /** How often a host's BIOS is read through its iLO by the poller (BIOS_READ_INTERVAL_MS, default 5 min). */
  get biosReadIntervalMs(): number {
    return positive('BIOS_READ_INTERVAL_MS', 5 * 60_000);
  },
  /** How long a reset may take before its operation fails (RESET_TIMEOUT_MS, default 15 min). */
  get resetTimeoutMs(): number {
    return positive('RESET_TIMEOUT_MS', 15 * 60_000);
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
