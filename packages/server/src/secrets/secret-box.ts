import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { UserError, UserErrorKind } from '@slipway/core';

/** Bytes of an AES-256 key. */
export const SECRET_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Names the format (AES-256-GCM, nonce ‖ ciphertext ‖ tag in base64), so it can change later. */
const VERSION = 'v1';

/**
 * Encrypts secret values with AES-256-GCM under one key: a random 12-byte nonce per
 * value, and the project id and secret name as additional authenticated data, so that a
 * ciphertext copied to another secret or project does not decrypt.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== SECRET_KEY_BYTES) {
      throw new Error(`a secret key has ${SECRET_KEY_BYTES} bytes, not ${key.length}`);
    }
    this.key = Buffer.from(key);
  }

  /** `value` encrypted for the secret `name` of `projectId`, as text. */
  seal(value: string, projectId: string, name: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(boundTo(projectId, name));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  /**
   * The value sealed for the secret `name` of `projectId`. Throws a {@link UserError} when
   * it was sealed with another key or for another secret, or was altered.
   */
  open(sealed: string, projectId: string, name: string): string {
    const bytes = sealed.startsWith(`${VERSION}:`)
      ? Buffer.from(sealed.slice(VERSION.length + 1), 'base64')
      : Buffer.alloc(0);
    if (bytes.length >= NONCE_BYTES + TAG_BYTES) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, NONCE_BYTES));
        decipher.setAAD(boundTo(projectId, name));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // Reported below: a wrong key and a tampered value look alike.
      }
    }
    throw new UserError(
      UserErrorKind.Environment,
      `The secret ${name} cannot be decrypted with this server's secret key: it was stored ` +
        'with another key, or altered. Every server sharing a database needs the same ' +
        'SLIPWAY_SECRET_KEY; set the secret again to store it with this key.',
    );
  }
}

function boundTo(projectId: string, name: string): Buffer {
  return Buffer.from(`slipway-secret\u0000${projectId}\u0000${name}`, 'utf8');
}
