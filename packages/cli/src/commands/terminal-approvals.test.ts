import { PassThrough } from 'node:stream';
import type { PlanTask } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { TerminalApprovals } from './terminal-approvals.js';

const approvalTask = (id: string): PlanTask => ({
  id,
  name: id,
  kind: 'main',
  matrix: null,
  needs: [],
  when: null,
  image: null,
  runsOn: [],
  env: {},
  steps: [],
  timeoutMs: null,
  retries: { count: 0, backoffMs: 0, maxBackoffMs: 0 },
  results: ['approved_by', 'comment'],
  reports: [],
  artifacts: [],
  template: null,
  matrixGroup: null,
  approval: { message: `Ship ${id}?`, approvers: null },
});

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.setEncoding('utf8').on('data', (text: string) => (shown += text));
  const approvals = new TerminalApprovals({
    approved: new Set(['pre']),
    interactive: true,
    input,
    output,
    user: 'ana',
  });
  return { approvals, input, shown: () => shown };
}

async function until(what: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('TerminalApprovals', () => {
  it('approves a task named by --approve without asking', async () => {
    const { approvals, shown } = terminal();
    const answer = await approvals.ask(approvalTask('pre'), new AbortController().signal);
    expect(answer).toEqual({
      decision: 'approve',
      by: 'ana',
      comment: 'approved beforehand with --approve',
    });
    expect(shown()).toBe('');
  });

  it('asks at the terminal, one question at a time, until it gets yes or no', async () => {
    const { approvals, input, shown } = terminal();
    const first = approvals.ask(approvalTask('api'), new AbortController().signal);
    const second = approvals.ask(approvalTask('web'), new AbortController().signal);
    await until(() => shown().includes('approve?'));
    expect(shown()).toContain('[api] approval needed: Ship api?');
    expect(shown()).not.toContain('[web]');
    input.write('maybe\n');
    await until(() => shown().split('approve?').length === 3);
    input.write('y\n');
    await until(() => shown().includes('comment'));
    input.write('  looks good  \n');
    expect(await first).toEqual({ decision: 'approve', by: 'ana', comment: 'looks good' });
    await until(() => shown().includes('[web]'));
    input.write('no\n');
    await until(() => shown().split('comment').length === 3);
    input.write('\n');
    expect(await second).toEqual({ decision: 'reject', by: 'ana', comment: null });
  });

  it('stops asking when the question is withdrawn', async () => {
    const { approvals, shown } = terminal();
    const controller = new AbortController();
    const answer = approvals.ask(approvalTask('api'), controller.signal);
    await until(() => shown().includes('approve?'));
    controller.abort();
    await expect(answer).resolves.toMatchObject({ decision: 'reject' });
  });

  it('rejects without a terminal, saying which flag approves it', async () => {
    const approvals = new TerminalApprovals({
      approved: new Set(),
      interactive: false,
      input: new PassThrough(),
      output: new PassThrough(),
      user: 'ana',
    });
    expect(await approvals.ask(approvalTask('deploy'), new AbortController().signal)).toEqual({
      decision: 'reject',
      by: 'slipway run',
      comment:
        'no one can be asked without an interactive terminal; pass `--approve deploy` to approve it beforehand',
    });
  });
});
