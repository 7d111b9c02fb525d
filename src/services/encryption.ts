import crypto from 'node:crypto';

/**
 * Token secrets at rest (DESIGN §5): AES-256-GCM under a key derived from
 * SECRET_KEY. Each record is bound to its credential ID as additional
 * authenticated data, so a ciphertext copied onto another token, or altered
 * by a single bit, fails to open — validation then fails closed.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealError extends Error {}

export class SecretBox {
  private readonly key: Buffer;
  /** A short fingerprint stored with each record: says which key sealed it, reveals nothing of the key. */
  readonly keyId: string;

  constructor(secretKey: string) {
    if (secretKey.length < 16) throw new SealError('SECRET_KEY must be at least 16 characters');
    // HKDF turns any long operator-chosen string into a uniform 256-bit key.
    this.key = Buffer.from(crypto.hkdfSync('sha256', secretKey, 'webfb', 'token-secret-aes-256-gcm', 32));
    this.keyId = crypto.createHash('sha256').update(this.key).update('key-id').digest('hex').slice(0, 12);
  }

  seal(plain: Uint8Array, boundTo: string): string {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(sealed: string, boundTo: string): Uint8Array {
    const [version, payload] = sealed.split('.');
    if (version !== VERSION || !payload) throw new SealError('unknown sealed-secret format');
    const raw = Buffer.from(payload, 'base64');
    if (raw.length <= IV_BYTES + TAG_BYTES) throw new SealError('sealed secret too short');
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return new Uint8Array(Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]));
    } catch {
      throw new SealError('sealed secret failed authentication (tampered, or another key)');
    }
  }
}

/** A fresh random key for the demo key file or `key rotate --generate`. */
export const generateSecretKey = (): string => crypto.randomBytes(32).toString('base64url');
