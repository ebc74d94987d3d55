import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError, UserErrorKind, makeFolders } from '@slipway/core';
import { SECRET_KEY_BYTES } from './secret-box.js';

/** Where {@link loadSecretKey} finds the key; the server configuration's keys. */
export interface SecretKeySource {
  readonly dataDir: string;
  readonly secretKey?: string | undefined;
  readonly secretKeyFile?: string | undefined;
}

/** The key file's name in the data folder when `secretKeyFile` is not set. */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * The key that encrypts secrets: `secretKey` (base64 of 32 bytes) when set, else the
 * contents of the key file, which is made with 32 random bytes and mode 0600 when it
 * does not exist yet. Throws a {@link UserError} for a key of the wrong form.
 */
export async function loadSecretKey(source: SecretKeySource): Promise<Uint8Array> {
  if (source.secretKey !== undefined) return decodeKey(source.secretKey, 'SLIPWAY_SECRET_KEY');
  const file = source.secretKeyFile ?? join(source.dataDir, SECRET_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing !== null) return decodeKey(existing, `the secret key file ${file}`);
  const key = randomBytes(SECRET_KEY_BYTES);
  try {
    makeFolders(dirname(file));
  } catch (error) {
    throw new UserError(
      UserErrorKind.Environment,
      `cannot make the folder of the secret key file ${file} (${error instanceof Error ? error.message : String(error)}): give secretKeyFile (SLIPWAY_SECRET_KEY_FILE) a path this user can write to`,
    );
  }
  // Written whole under another name and then linked into place, so that a process
  // starting at the same time never reads a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return decodeKey((await readKeyFile(file)) ?? '', `the secret key file ${file}`);
  } finally {
    await unlink(draft);
  }
}

async function readKeyFile(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(
      UserErrorKind.Environment,
      `cannot read the secret key file ${file}: ${(error as Error).message}`,
    );
  }
}

function decodeKey(text: string, from: string): Uint8Array {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== SECRET_KEY_BYTES) {
    throw new UserError(
      UserErrorKind.Usage,
      `${from} must hold ${SECRET_KEY_BYTES} random bytes, base64-encoded (44 characters)`,
    );
  }
  return key;
}
