import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, generateKey, parseKey } from './secrets';

describe('secrets at rest', () => {
  const key = parseKey(generateKey());

  it('round-trips and never stores the plaintext', () => {
    const sealed = encryptSecret('iLO-p@ssw0rd', key);
    expect(sealed).not.toContain('iLO-p@ssw0rd');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(decryptSecret(sealed, key)).toBe('iLO-p@ssw0rd');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret('same', key)).not.toBe(encryptSecret('same', key));
  });

  it('refuses a tampered ciphertext or the wrong key', () => {
    const sealed = encryptSecret('token', key);
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptSecret([...parts.slice(0, 3), flipped.toString('base64url')].join('.'), key)).toThrow();
    expect(() => decryptSecret(sealed, parseKey(generateKey()))).toThrow();
  });

  it('rejects a key of the wrong length with a clear message', () => {
    expect(() => parseKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
