import { parseSecretKey } from '@cutover/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * AES-256-GCM for secrets at rest (cluster credentials). A sealed box is
 * `version (1 byte) | IV (12 random bytes) | auth tag (16 bytes) | ciphertext`; the version byte lets a later
 * key or algorithm coexist with rows sealed before it. `aad` (e.g. the row id) binds a box to its owner,
 * so a ciphertext copied onto another row does not open there.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretBoxError(`SecretBox needs a 32-byte key, got ${key.length} bytes`);
    this.key = Buffer.from(key);
  }

  seal(plaintext: string | Buffer, aad?: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(box: Uint8Array, aad?: string): Buffer {
    const bytes = Buffer.from(box);
    if (bytes.length < HEADER_BYTES) throw new SecretBoxError('Sealed secret is truncated');
    if (bytes[0] !== VERSION) throw new SecretBoxError(`Sealed secret has unknown version ${bytes[0]}`);
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES)), decipher.final()]);
    } catch {
      // GCM cannot tell a wrong key from altered bytes; neither may reveal anything more.
      throw new SecretBoxError('Sealed secret cannot be opened: wrong key or altered data');
    }
  }

  openText(box: Uint8Array, aad?: string): string {
    return this.open(box, aad).toString('utf8');
  }

  sealJson(value: unknown, aad?: string): Buffer {
    return this.seal(JSON.stringify(value), aad);
  }

  openJson<T>(box: Uint8Array, aad?: string): T {
    return JSON.parse(this.openText(box, aad)) as T;
  }
}

/** The box for CUTOVER_SECRET_KEY (32 bytes as 64 hex characters or base64), for code outside Nest. */
export function secretBoxFromEnv(env: NodeJS.ProcessEnv = process.env): SecretBox {
  const raw = env.CUTOVER_SECRET_KEY;
  const key = raw ? parseSecretKey(raw) : undefined;
  if (!key) throw new SecretBoxError('CUTOVER_SECRET_KEY must be 32 bytes as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)');
  return new SecretBox(key);
}
