import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIndex, writeStatData } from './checkout-template.js';
import { GitCheckouts, type Checkout } from './git-checkouts.js';
import { isPristine, type CheckoutSnapshot } from './pristine-checkout.js';
import { commitAll, git, initRepository } from './testing/git-repository.js';

describe('isPristine', () => {
  let temp = '';
  let checkout: Checkout;

  beforeEach(async () => {
    temp = await realpath(await mkdtemp(join(tmpdir(), 'slipway-pristine-')));
    const repo = join(temp, 'repo');
    initRepository(repo);
    await writeFile(join(repo, 'app.txt'), 'one\n');
    checkout = await new GitCheckouts(join(temp, 'cache')).checkout(
      repo,
      commitAll(repo, 'one'),
      join(temp, 'src'),
    );
  });

  afterEach(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  /** The checkout's snapshot with every file's stat data as it is now, as if it was made so. */
  async function recordedAsItIs(): Promise<CheckoutSnapshot> {
    const admin = (await readFile(join(checkout.path, '.git'), 'utf8')).slice(8, -1);
    const index = await readFile(join(admin, 'index'));
    for (const entry of parseIndex(index, 20) ?? []) {
      writeStatData(
        index,
        entry.offset,
        await lstat(join(checkout.path, entry.path), { bigint: true }),
      );
    }
    const body = index.subarray(0, index.length - 20);
    const written = Buffer.concat([body, createHash('sha1').update(body).digest()]);
    await writeFile(join(admin, 'index'), written);
    return { path: checkout.path, admin, commit: checkout.commit, index: written, hashLength: 20 };
  }

  it('finds a checkout whose files match the stat data its index recorded pristine', async () => {
    expect(await isPristine(await recordedAsItIs(), Date.now())).toBe(true);
  });

  it('compares contents where a change could hide in the clock tick of the recorded times', async () => {
    const lentAt = Date.now();
    await writeFile(join(checkout.path, 'app.txt'), 'two\n');
    // The change carries the recorded times, as one in the same tick of a coarse clock does.
    const snapshot = await recordedAsItIs();
    expect(await isPristine(snapshot, lentAt)).toBe(false);
    // Lent out well after those times, a change would have moved them: stat data decides.
    expect(await isPristine(snapshot, lentAt + 60_000)).toBe(true);
  });

  it('finds a change by stat data alone where the recorded times are well before the lending', async () => {
    const snapshot = await recordedAsItIs();
    await writeFile(join(checkout.path, 'app.txt'), 'two\n');
    // Lent a minute after the times: no file is hashed, so only stat data can tell.
    expect(await isPristine(snapshot, Date.now() + 60_000)).toBe(false);
  });

  it('is not pristine once its index or HEAD changed', async () => {
    const snapshot = await recordedAsItIs();
    git(checkout.path, 'update-index', '--chmod=+x', 'app.txt');
    expect(await isPristine(snapshot, Date.now())).toBe(false);
  });
});
