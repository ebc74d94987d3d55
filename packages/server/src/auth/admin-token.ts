import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  TokenKind,
  UserError,
  UserErrorKind,
  type ControlStore,
  type NewToken,
} from '@slipway/core';

/**
 * File in the data folder where earlier versions kept the SHA-256 of the admin token, in
 * hex. It is read once, its hash moved into the store, and then removed.
 */
export const ADMIN_TOKEN_FILE = 'admin-token.sha256';

/** The user name of the admin token made on the first start. */
export const ADMIN_USER = 'admin';

/** SHA-256 of a token, in hex: what the store keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token: `slw_` and 32 random bytes. */
export function newToken(): string {
  return `slw_${randomBytes(32).toString('base64url')}`;
}

/**
 * Makes sure the store holds an admin token: moves the hash of an earlier version's
 * admin token file into the store (removing the file), then makes an admin token when the
 * store has none. Returns that token when this call made it, to be shown once; null
 * otherwise. Servers starting at once on one database make one token between them.
 */
export async function ensureAdminToken(
  store: ControlStore,
  dataDir: string,
  now: number,
): Promise<string | null> {
  await importAdminTokenFile(store, dataDir, now);
  const token = newToken();
  const made = await store.createFirstAdminToken(adminToken(hashToken(token), now));
  return made === null ? null : token;
}

async function importAdminTokenFile(
  store: ControlStore,
  dataDir: string,
  now: number,
): Promise<void> {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  let hash: string;
  try {
    hash = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!/^[0-9a-f]{64}$/.test(hash)) {
    throw new UserError(
      UserErrorKind.Environment,
      `${file} does not hold a SHA-256 hash; delete it to make a new admin token`,
    );
  }
  if ((await store.findTokenByHash(hash)) === null) {
    await store.createToken(adminToken(hash, now));
  }
  await rm(file, { force: true });
}

function adminToken(hash: string, now: number): NewToken {
  return {
    name: 'admin',
    user: ADMIN_USER,
    kind: TokenKind.User,
    admin: true,
    hash,
    createdAt: now,
  };
}
