import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type AttemptStop, type Executor } from '@slipway/core';
import { planSteps, planTask } from '@slipway/testing';
import { FinishOutcome, type AssignedAttempt } from './agent-connection.js';
import { AttemptFolders } from './attempt-folders.js';
import type { Checkout, GitCheckouts } from './git-checkouts.js';
import { runAssignedAttempt, type AssignedAttemptContext } from './run-assigned-attempt.js';

let attemptsDir: string;

beforeEach(async () => {
  attemptsDir = await mkdtemp(join(tmpdir(), 'slipway-assigned-'));
});

afterEach(async () => {
  await rm(attemptsDir, { recursive: true, force: true });
});

const work: AssignedAttempt = {
  attemptId: 'attempt-1',
  runId: 'run-1',
  taskId: 'build',
  attempt: 1,
  task: planTask('build', { steps: planSteps('true') }),
  run: { pipeline: 'ci', params: {}, trigger: { event: 'manual' } },
  project: { source: '/srv/git/shop.git', commit: 'a'.repeat(40) },
  leaseMs: 30_000,
  secrets: {},
};

const newStop = (): AttemptStop => ({
  cancel: new AbortController(),
  kill: new AbortController(),
  reason: null,
  timedOut: false,
});

const unusedExecutor: Executor = {
  name: 'process',
  runStep: () => Promise.reject(new Error('no step should run')),
};

function context(checkout: GitCheckouts['checkout']): AssignedAttemptContext {
  return {
    folders: new AttemptFolders(attemptsDir, { checkout }, 1),
    executors: { process: unusedExecutor },
    baseEnv: {},
    killGraceMs: 1000,
    clock: systemClock,
    output: () => undefined,
  };
}

describe('runAssignedAttempt', () => {
  it('ends as cancelled when told to stop while its checkout does not answer, and removes what comes later', async () => {
    let finish: (checkout: Checkout) => void = () => undefined;
    let src = '';
    let removed = false;
    const stop = newStop();
    const ended = runAssignedAttempt(
      work,
      stop,
      context(
        (_source, _commit, into) =>
          new Promise<Checkout>((resolve) => {
            src = into;
            finish = resolve;
          }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    stop.reason = 'cancelled by alice';
    stop.cancel.abort();
    expect(await ended).toEqual({
      outcome: FinishOutcome.Cancelled,
      results: {},
      error: 'cancelled by alice',
    });
    await mkdir(src);
    finish({
      path: src,
      commit: work.project.commit,
      remove: async () => {
        removed = true;
        await rm(src, { recursive: true, force: true });
      },
      isPristine: () => Promise.resolve(true),
    });
    for (let i = 0; i < 100 && (await readdir(attemptsDir)).length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(removed).toBe(true);
    expect(await readdir(attemptsDir)).toEqual([]);
  });

  it('starts nothing for an attempt stopped before it began', async () => {
    const stop = newStop();
    stop.kill.abort();
    let asked = false;
    const end = await runAssignedAttempt(
      work,
      stop,
      context(() => {
        asked = true;
        return Promise.reject(new Error('not asked'));
      }),
    );
    expect(end.outcome).toBe(FinishOutcome.Cancelled);
    expect(asked).toBe(false);
    expect(await readdir(attemptsDir)).toEqual([]);
  });

  it('fails an attempt whose checkout fails, saying why', async () => {
    const end = await runAssignedAttempt(
      work,
      newStop(),
      context(() => Promise.reject(new Error('no such commit'))),
    );
    expect(end).toEqual({
      outcome: FinishOutcome.Failed,
      results: {},
      error: `cannot check out ${work.project.commit} of /srv/git/shop.git: no such commit`,
    });
    expect(await readdir(attemptsDir)).toEqual([]);
  });
});
