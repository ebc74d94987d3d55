import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { gitRepository } from '../testing/server-fixture.js';
import { listRemoteHeads } from './list-remote-heads.js';
import { changeDeliveryId, changePayload, pollChanges } from './poll-changes.js';

const run = promisify(execFile);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('pollChanges', () => {
  it('lists new and moved branch and tag heads, not deleted or unchanged ones', () => {
    const changes = pollChanges(
      { 'refs/heads/main': A, 'refs/heads/gone': A, 'refs/tags/v1': B },
      { 'refs/heads/main': B, 'refs/heads/new': C, 'refs/tags/v1': B, 'refs/notes/x': C },
    );
    expect(changes).toEqual([
      { ref: 'refs/heads/main', before: A, commit: B },
      { ref: 'refs/heads/new', before: null, commit: C },
    ]);
    expect(changes.map(changeDeliveryId)).toEqual([
      `poll:refs/heads/main:${A}..${B}`,
      `poll:refs/heads/new:new..${C}`,
    ]);
    expect(changes.map(changePayload)).toEqual([
      { branch: 'main', commit: B, before: A, actor: 'poll' },
      { branch: 'new', commit: C, actor: 'poll' },
    ]);
    expect(changePayload({ ref: 'refs/tags/v2', before: null, commit: C })).toEqual({
      tag: 'v2',
      commit: C,
      actor: 'poll',
    });
  });

  it('finds nothing between a poll and itself, and every head against an empty baseline (property)', () => {
    const refs = fc.dictionary(
      fc.constantFrom('refs/heads/main', 'refs/heads/dev', 'refs/tags/v1', 'refs/tags/v2'),
      fc.constantFrom(A, B, C),
    );
    fc.assert(
      fc.property(refs, refs, (before, after) => {
        expect(pollChanges(after, after)).toEqual([]);
        expect(pollChanges({}, after)).toHaveLength(Object.keys(after).length);
        for (const change of pollChanges(before, after)) {
          expect(after[change.ref]).toBe(change.commit);
          expect(before[change.ref] ?? null).toBe(change.before);
          expect(change.before).not.toBe(change.commit);
        }
      }),
    );
  });
});

describe('listRemoteHeads', () => {
  it('reads branches and tags of a real repository, annotated tags as their commits', async () => {
    const repo = await gitRepository({ 'README.md': 'hello\n' });
    cleanups.push(() => repo.remove());
    const git = (...args: string[]) =>
      run('git', ['-C', repo.dir, ...args], {
        env: {
          ...process.env,
          GIT_COMMITTER_NAME: 'Test',
          GIT_COMMITTER_EMAIL: 'test@example.com',
        },
      });
    await git('tag', '--annotate', 'v1.0.0', '--message', 'release');
    await git('tag', 'light');
    await git('branch', 'feature/x');
    expect(await listRemoteHeads(repo.dir)).toEqual({
      'refs/heads/main': repo.commit,
      'refs/heads/feature/x': repo.commit,
      'refs/tags/v1.0.0': repo.commit,
      'refs/tags/light': repo.commit,
    });
  });

  it("fails with git's reason for a repository that is not there, and never reads a source as an option", async () => {
    await expect(listRemoteHeads('/nonexistent/repository')).rejects.toThrow(/ls-remote failed/);
    const marker = join(tmpdir(), `slipway-poll-${process.pid}-${Date.now()}`);
    await expect(listRemoteHeads(`--upload-pack=touch ${marker}`)).rejects.toThrow(
      /ls-remote failed/,
    );
    expect(existsSync(marker)).toBe(false);
  });
});
