import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OnSpec } from '../spec/pipeline-schema.js';
import { filtersPaths, matchTrigger, TriggerKind, type TriggerCandidate } from './match-trigger.js';

const push = (branch: string, changedPaths: readonly string[] | null = null): TriggerCandidate => ({
  kind: TriggerKind.Push,
  branch,
  changedPaths,
});
const tag = (name: string): TriggerCandidate => ({
  kind: TriggerKind.Tag,
  tag: name,
  changedPaths: null,
});
const pr = (
  action: string,
  baseBranch = 'main',
  changedPaths: readonly string[] | null = null,
): TriggerCandidate => ({
  kind: TriggerKind.PullRequest,
  action,
  branch: 'feature',
  baseBranch,
  changedPaths,
});

function reason(on: OnSpec | undefined, event: TriggerCandidate): string | null {
  const match = matchTrigger(on, event);
  return match.matches ? null : match.reason;
}

describe('matchTrigger without `on`', () => {
  it('takes pushes, tags, the default pull request actions and manual runs', () => {
    expect(matchTrigger(undefined, push('anything')).matches).toBe(true);
    expect(matchTrigger(undefined, tag('v1')).matches).toBe(true);
    expect(matchTrigger(undefined, pr('opened')).matches).toBe(true);
    expect(matchTrigger(undefined, pr('synchronize')).matches).toBe(true);
    expect(matchTrigger(undefined, { kind: TriggerKind.Manual, changedPaths: null }).matches).toBe(
      true,
    );
    expect(reason(undefined, pr('closed'))).toContain('starts no run by default');
  });

  it('never takes releases, saying the tag push does', () => {
    expect(reason(undefined, { kind: TriggerKind.Release, tag: 'v1', changedPaths: null })).toMatch(
      /tag push/,
    );
  });
});

describe('matchTrigger with `on`', () => {
  it('takes only the events `on` lists', () => {
    const on: OnSpec = { pull_request: null };
    expect(reason(on, push('main'))).toBe('`on` does not list `push`');
    expect(reason(on, { kind: TriggerKind.Manual, changedPaths: null })).toContain('manual');
    expect(matchTrigger(on, pr('reopened')).matches).toBe(true);
    expect(reason({ push: false }, push('main'))).toBe('`on.push` is false');
    expect(matchTrigger({ push: true }, tag('v2')).matches).toBe(true);
  });

  it('filters branches with globs, `**` crossing slashes', () => {
    const on: OnSpec = {
      push: { branches: ['main', 'release/**'], 'branches-ignore': ['**/wip'] },
    };
    expect(matchTrigger(on, push('main')).matches).toBe(true);
    expect(matchTrigger(on, push('release/1.x/hotfix')).matches).toBe(true);
    expect(reason(on, push('feature/x'))).toBe(
      'branch feature/x matches none of `on.push` [main, release/**]',
    );
    expect(reason(on, push('release/wip'))).toContain('ignored pattern');
  });

  it('keeps branch and tag filters apart', () => {
    const tagsOnly: OnSpec = { push: { tags: ['v*'] } };
    expect(matchTrigger(tagsOnly, tag('v1.2.0')).matches).toBe(true);
    expect(reason(tagsOnly, tag('nightly'))).toContain('matches none');
    expect(reason(tagsOnly, push('main'))).toBe('branch main: `on.push` filters tags only');
    const branchesOnly: OnSpec = { push: { branches: ['main'] } };
    expect(reason(branchesOnly, tag('v1'))).toBe('tag v1: `on.push` filters branches only');
    const both: OnSpec = { push: { branches: ['main'], 'tags-ignore': ['tmp-*'] } };
    expect(matchTrigger(both, tag('v1')).matches).toBe(true);
    expect(reason(both, tag('tmp-1'))).toContain('ignored');
  });

  it('filters changed paths, and lets unknown changes through', () => {
    const on: OnSpec = { push: { paths: ['src/**'], 'paths-ignore': ['**/*.md'] } };
    expect(matchTrigger(on, push('main', ['src/a.ts', 'README.md'])).matches).toBe(true);
    expect(reason(on, push('main', ['docs/guide.txt']))).toBe(
      'no changed file matches `on.push.paths` [src/**]',
    );
    expect(reason(on, push('main', ['src/notes.md']))).toBe(
      'every changed file matches `on.push.paths-ignore` [**/*.md]',
    );
    expect(matchTrigger(on, push('main', null)).matches).toBe(true);
    expect(
      matchTrigger({ push: { paths: ['.github/**'] } }, push('m', ['.github/x.yml'])).matches,
    ).toBe(true);
  });

  it('filters pull requests by action, base branch and paths', () => {
    const on: OnSpec = {
      pull_request: { types: ['opened', 'labeled'], branches: ['main'], paths: ['src/**'] },
    };
    expect(matchTrigger(on, pr('labeled', 'main', ['src/x'])).matches).toBe(true);
    expect(reason(on, pr('synchronize'))).toBe(
      'pull request action synchronize is not in `on.pull_request.types`',
    );
    expect(reason(on, pr('opened', 'develop'))).toContain('base branch develop matches none');
    expect(reason(on, pr('opened', 'main', ['docs/x']))).toContain('no changed file');
    expect(reason({ pull_request: {} }, pr('closed'))).toContain('not in');
  });
});

describe('filtersPaths', () => {
  it('says whether a push or pull request filter names paths', () => {
    expect(filtersPaths(undefined)).toBe(false);
    expect(filtersPaths({ push: null, pull_request: true })).toBe(false);
    expect(filtersPaths({ push: { branches: ['main'] } })).toBe(false);
    expect(filtersPaths({ push: { paths: ['src/**'] } })).toBe(true);
    expect(filtersPaths({ pull_request: { 'paths-ignore': ['docs/**'] } })).toBe(true);
  });
});

describe('matchTrigger properties', () => {
  const segment = fc.stringMatching(/^[a-z0-9._-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
  const name = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
  const paths = fc.array(name, { minLength: 1, maxLength: 6 });

  it('a branch listed in branches-ignore never starts a run; `**` takes every branch', () => {
    fc.assert(
      fc.property(name, paths, (branch, changed) => {
        expect(
          matchTrigger({ push: { 'branches-ignore': [branch] } }, push(branch, changed)).matches,
        ).toBe(false);
        expect(matchTrigger({ push: { branches: ['**'] } }, push(branch, changed)).matches).toBe(
          true,
        );
        expect(matchTrigger(undefined, push(branch, changed)).matches).toBe(true);
      }),
    );
  });

  it('changing one more file that `paths` names never turns a match into no match', () => {
    fc.assert(
      fc.property(name, paths, name, (branch, changed, extra) => {
        const on: OnSpec = { push: { paths: [extra], 'paths-ignore': ['docs/**'] } };
        const before = matchTrigger(on, push(branch, changed)).matches;
        const after = matchTrigger(on, push(branch, [...changed, extra])).matches;
        if (before) expect(after).toBe(true);
        if (!extra.startsWith('docs/')) expect(after).toBe(true);
      }),
    );
  });

  it('every refusal says why', () => {
    const onArb = fc.constantFrom<OnSpec | undefined>(
      undefined,
      { push: false },
      { push: { branches: ['main'] } },
      { push: { tags: ['v*'] } },
      { pull_request: { types: ['closed'] } },
      { manual: true },
    );
    const kind = fc.constantFrom(...Object.values(TriggerKind));
    fc.assert(
      fc.property(onArb, kind, name, paths, (on, k, value, changed) => {
        const match = matchTrigger(on, {
          kind: k,
          branch: value,
          tag: value,
          baseBranch: value,
          action: 'opened',
          changedPaths: changed,
        });
        if (!match.matches) expect(match.reason.length).toBeGreaterThan(10);
      }),
    );
  });
});

describe('matchTrigger: cron ticks and pipeline completion', () => {
  const tick = (schedule: string, timezone = 'UTC'): TriggerCandidate => ({
    kind: TriggerKind.Cron,
    cron: { schedule, timezone },
    changedPaths: null,
  });
  const ended = (project: string, pipeline: string, status: string): TriggerCandidate => ({
    kind: TriggerKind.PipelineCompletion,
    completion: { project, pipeline, status },
    project: 'web',
    changedPaths: null,
  });

  it('takes a tick of a schedule `on.cron` still lists, in the same time zone', () => {
    const on: OnSpec = {
      cron: ['0 3 * * *', { schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' }],
    };
    expect(reason(on, tick('0 3 * * *'))).toBeNull();
    expect(reason(on, tick('0 9 * * 1-5', 'Europe/Berlin'))).toBeNull();
    expect(reason(on, tick('0 9 * * 1-5'))).toBe('`on.cron` no longer lists UTC 0 9 * * 1-5');
    expect(reason({ push: true }, tick('0 3 * * *'))).toBe('`on` does not list `cron`');
    expect(reason(undefined, tick('0 3 * * *'))).toBe('`on` does not list `cron`');
  });

  it('takes a run that ended with a listed status, of this project when none is named', () => {
    const on: OnSpec = {
      pipeline: [
        { project: 'platform', name: 'base-images' },
        { name: 'build', status: ['failed', 'timed_out'] },
      ],
    };
    expect(reason(on, ended('platform', 'base-images', 'succeeded'))).toBeNull();
    expect(reason(on, ended('platform', 'base-images', 'failed'))).toMatch(
      /no `on.pipeline` entry takes a failed run of platform\/base-images/,
    );
    expect(reason(on, ended('web', 'build', 'timed_out'))).toBeNull();
    expect(reason(on, ended('web', 'build', 'succeeded'))).not.toBeNull();
    expect(reason(on, ended('platform', 'build', 'failed'))).not.toBeNull();
    expect(reason(undefined, ended('web', 'build', 'failed'))).toBe(
      '`on` does not list `pipeline`',
    );
  });
});
