import { randomBytes } from 'node:crypto';
import { UserError } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and never shows the value in the sealed text', () => {
    const value = 'hunter2 — ünïcode\nsecond line';
    const sealed = box.seal(value, 'project-1', 'TOKEN');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed, 'project-1', 'TOKEN')).toBe(value);
  });

  it('uses a fresh nonce for every value', () => {
    expect(box.seal('same', 'p', 'N')).not.toBe(box.seal('same', 'p', 'N'));
  });

  it('refuses a value moved to another secret or project, altered, or sealed with another key', () => {
    const sealed = box.seal('value', 'project-1', 'TOKEN');
    expect(() => box.open(sealed, 'project-2', 'TOKEN')).toThrow(UserError);
    expect(() => box.open(sealed, 'project-1', 'OTHER')).toThrow(UserError);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    expect(() => box.open(`v1:${bytes.toString('base64')}`, 'project-1', 'TOKEN')).toThrow(
      /cannot be decrypted/,
    );
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'project-1', 'TOKEN')).toThrow(
      /SLIPWAY_SECRET_KEY/,
    );
    expect(() => box.open('garbage', 'project-1', 'TOKEN')).toThrow(UserError);
  });

  it('takes only 32-byte keys', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
