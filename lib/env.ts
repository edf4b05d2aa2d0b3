// Server configuration. Every variable is documented in .env.example. Read on access, not at
// import, so tests and scripts can set the environment before first use.

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
};
