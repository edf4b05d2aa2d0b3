// Secrets at rest (iLO passwords, agent tokens): AES-256-GCM with a key from the environment.
// Stored as "v1.<iv>.<tag>.<ciphertext>" in base64url so the format can change later.

import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { env } from '@/lib/env';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

export class SecretsKeyError extends Error {}

export function parseKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new SecretsKeyError(`The secrets key must be ${KEY_BYTES} bytes in base64 (got ${key.length} bytes).`);
  }
  return key;
}

export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

let cachedKey: Buffer | undefined;

/** SECRETS_KEY, else the key file (SECRETS_KEY_FILE, default data/secrets.key). */
export function secretsKey(): Buffer {
  if (cachedKey) return cachedKey;
  if (env.secretsKey) {
    cachedKey = parseKey(env.secretsKey);
  } else if (fs.existsSync(env.secretsKeyFile)) {
    cachedKey = parseKey(fs.readFileSync(env.secretsKeyFile, 'utf8'));
  } else {
    throw new SecretsKeyError(`No secrets key: set SECRETS_KEY or create ${env.secretsKeyFile} (npm run demo makes one).`);
  }
  return cachedKey;
}

export function encryptSecret(plaintext: string, key: Buffer = secretsKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function decryptSecret(sealed: string, key: Buffer = secretsKey()): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new SecretsKeyError('Not a sealed secret of a known version.');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
