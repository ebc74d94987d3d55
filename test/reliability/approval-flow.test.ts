import { cp, mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Run, RunDetail, Task } from '@slipway/api';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, REPO_ROOT, gitInit } from '../e2e/helpers.js';
import { adminTokenOf, apiClient, slipway, slipwayJson, startUp, useCleanup } from './helpers.js';

const cleanup = useCleanup();

async function untilStatus(
  read: () => Promise<RunDetail>,
  statuses: readonly string[],
): Promise<RunDetail> {
  const give = Date.now() + 30_000;
  for (;;) {
    const detail = await read();
    if (statuses.includes(detail.run.status) || Date.now() > give) return detail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('slipway approve and reject, as a user runs them', () => {
  it('approves one run and rejects another of the approval example', async () => {
    const repo = await cleanup.tempDir('slipway-approval-repo-');
    await cp(join(EXAMPLES, 'approval'), repo, { recursive: true });
    await gitInit(repo);
    const dataDir = join(await cleanup.tempDir(), 'data');
    await mkdir(dataDir);
    const up = await startUp(cleanup, { dataDir });
    const access = { url: up.url, token: await adminTokenOf(up) };
    const client = apiClient(access);
    // The command runs in REPO_ROOT; a relative path to the repository is made absolute.
    const added = await slipwayJson<{ source: string }>(access, [
      'project',
      'add',
      'demo',
      relative(REPO_ROOT, repo),
    ]);
    expect(added.source).toBe(repo);

    const first = await slipwayJson<Run>(access, ['trigger', 'demo']);
    const waiting = await untilStatus(() => client.getRun(first.id), ['waiting']);
    expect(waiting.run.status).toBe('waiting');
    const shown = await slipway(access, ['runs', 'show', first.id]);
    expect(shown.stdout).toMatch(
      /approve\s+waiting\s+0\s+\S+\s+awaiting a decision: Deploy version 1\.0\.0 to production\?/,
    );

    const approved = await slipwayJson<Task>(access, [
      'approve',
      first.id,
      'approve',
      '--comment',
      'go ahead',
    ]);
    expect(approved.approval?.decision).toMatchObject({
      decision: 'approve',
      by: 'admin',
      comment: 'go ahead',
    });
    const done = await untilStatus(() => client.getRun(first.id), ['succeeded', 'failed']);
    expect(done.run.status).toBe('succeeded');
    const logs = await slipway(access, ['logs', first.id, 'deploy']);
    expect(logs.stdout).toContain('deploying 1.0.0, approved by admin (go ahead)');

    const again = await slipway(access, ['reject', first.id, 'approve', '--comment', 'no']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      `task "approve" of run ${first.id} was already approved by admin; a decision cannot be changed`,
    );

    const second = await slipwayJson<Run>(access, ['trigger', 'demo']);
    await untilStatus(() => client.getRun(second.id), ['waiting']);
    const noReason = await slipway(access, ['reject', second.id, 'approve']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("required option '--comment <text>' not specified");
    const rejected = await slipway(access, [
      'reject',
      second.id,
      'approve',
      '--comment',
      'not on a Friday',
    ]);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toContain(
      `task approve of run ${second.id}: rejected by admin; now failed (rejected by admin: not on a Friday)`,
    );
    const failed = await untilStatus(() => client.getRun(second.id), ['failed', 'succeeded']);
    expect(failed.run.status).toBe('failed');
    expect(failed.tasks.find((t) => t.taskId === 'deploy')?.status).toBe('skipped');
  }, 120_000);
});
