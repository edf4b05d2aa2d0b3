// Every server process sharing a database must seal and open secrets with the same key. The first
// one to start stores a known text sealed with its key (ServerSetting "secrets-key-check"); a
// process whose key cannot open it refuses to start, rather than writing secrets no other replica
// can read, or failing to read every iLO password and agent token at its first poll.

import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { decryptSecret, encryptSecret, secretsKey, SecretsKeyError } from './secrets';

const KEY = 'secrets-key-check';
const CHECK_TEXT = 'sriov-fleet-manager secrets key check v1';

/** Why this process's secrets key cannot be used with this database, or null (storing the check value when there is none yet). */
export async function secretsKeyProblem(db: PrismaClient, given?: Buffer): Promise<string | null> {
  let key: Buffer;
  try {
    key = given ?? secretsKey();
  } catch (error) {
    // No key configured yet: nothing sealed can be written or read, and each use says so.
    if (error instanceof SecretsKeyError) return null;
    throw error;
  }
  const stored = await db.serverSetting.findUnique({ where: { key: KEY } });
  if (!stored) {
    // Two first starts at once: one insert wins, the other reads the winner's value below.
    await db.serverSetting.createMany({ data: [{ key: KEY, value: encryptSecret(CHECK_TEXT, key) }] }).catch(() => undefined);
    const now = await db.serverSetting.findUnique({ where: { key: KEY } });
    return now ? opens(now.value, key) : null;
  }
  return opens(stored.value, key);
}

function opens(sealed: string, key: Buffer): string | null {
  try {
    if (decryptSecret(sealed, key) === CHECK_TEXT) return null;
  } catch {
    // A wrong key fails GCM's authentication.
  }
  return 'This server\'s secrets key (SECRETS_KEY or SECRETS_KEY_FILE) is not the one this database\'s secrets were sealed with: every replica must use the same key. Copy the key of the servers already running.';
}
