// Server configuration, read once. Every variable is documented in .env.example.

import path from 'node:path';

export const env = {
  /** SQLite: file:./data/fleet.db (relative to the working directory). */
  databaseUrl: process.env.DATABASE_URL ?? 'file:./data/fleet.db',
  /** AES-256-GCM key for secrets at rest: 32 bytes, base64. Falls back to secretsKeyFile. */
  secretsKey: process.env.SECRETS_KEY,
  secretsKeyFile: process.env.SECRETS_KEY_FILE ?? path.join('data', 'secrets.key'),
};
