import { SealError, SecretBox } from '../../src/services/encryption';

const secret = new Uint8Array(Buffer.from('12345678901234567890'));

describe('token secrets at rest (AES-256-GCM)', () => {
  const box = new SecretBox('a-test-key-of-enough-length');

  test('when a secret is sealed and opened for the same credential, then it comes back whole', () => {
    const sealed = box.seal(secret, 'SYMC12345678');
    expect(Buffer.from(box.open(sealed, 'SYMC12345678'))).toEqual(Buffer.from(secret));
  });

  test('when the same secret is sealed twice, then the two records differ (a fresh IV each time)', () => {
    expect(box.seal(secret, 'SYMC12345678')).not.toBe(box.seal(secret, 'SYMC12345678'));
  });

  test('when the sealed record contains neither the raw nor the base32 secret, then nothing of it is readable', () => {
    const sealed = box.seal(secret, 'SYMC12345678');
    expect(sealed).not.toContain('1234567890');
    expect(sealed).not.toContain('GEZDGNBVGY3TQOJQ');
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64'));
  });

  test('when any one byte of the record is changed, then it fails to open', () => {
    const sealed = box.seal(secret, 'SYMC12345678');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    for (let i = 0; i < raw.length; i++) {
      const bent = Buffer.from(raw);
      bent[i] = bent[i]! ^ 0x01;
      expect(() => box.open(`v1.${bent.toString('base64')}`, 'SYMC12345678')).toThrow(SealError);
    }
  });

  test('when a record is copied onto another credential, then it fails to open there', () => {
    const sealed = box.seal(secret, 'SYMC12345678');
    expect(() => box.open(sealed, 'SYMC87654321')).toThrow(SealError);
  });

  test('when another key opens the record, then it fails, and the two keys have different ids', () => {
    const other = new SecretBox('another-test-key-of-enough-length');
    expect(() => other.open(box.seal(secret, 'SYMC12345678'), 'SYMC12345678')).toThrow(SealError);
    expect(other.keyId).not.toBe(box.keyId);
    expect(new SecretBox('a-test-key-of-enough-length').keyId).toBe(box.keyId);
  });

  test('when the key is shorter than 16 characters, then it is refused', () => {
    expect(() => new SecretBox('short')).toThrow(SealError);
  });
});
