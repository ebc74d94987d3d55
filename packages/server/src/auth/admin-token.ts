import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** File in the data folder holding the SHA-256 of the admin token, in hex. */
export const ADMIN_TOKEN_FILE = 'admin-token.sha256';

/** The admin token's hash, and the token itself when it was made just now. */
export interface AdminToken {
  readonly hash: string;
  /** Set only on the first start, to be shown once; null afterwards. */
  readonly created: string | null;
}

/** SHA-256 of a token, in hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Reads the admin token's hash from the data folder, or makes a token and stores its
 * hash (never the token) when there is none.
 */
export async function ensureAdminToken(dataDir: string): Promise<AdminToken> {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  try {
    const hash = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(hash)) return { hash, created: null };
    throw new Error(`${file} does not hold a SHA-256 hash; delete it to make a new admin token`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const token = `slw_${randomBytes(32).toString('base64url')}`;
  const hash = hashToken(token);
  try {
    await writeFile(file, `${hash}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made one first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return ensureAdminToken(dataDir);
    throw error;
  }
  return { hash, created: token };
}

/** Compares a presented token with known hashes in constant time per hash. */
export function tokenMatches(token: string, hashes: readonly string[]): boolean {
  const presented = Buffer.from(hashToken(token), 'hex');
  let match = false;
  for (const hash of hashes) {
    const known = Buffer.from(hash, 'hex');
    if (known.length === presented.length && timingSafeEqual(known, presented)) match = true;
  }
  return match;
}
