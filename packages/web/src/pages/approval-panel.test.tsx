// @vitest-environment happy-dom
import { act } from 'react';
import { ApiError, type CallerAccess, type Task, type TaskApproval } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from '../testing/render.js';
import { ApprovalPanel, type Decision } from './approval-panel.js';

const PROJECT = 'p1';

function approvalTask(approval: Partial<TaskApproval> = {}, status: Task['status'] = 'waiting') {
  const full: TaskApproval = {
    message: 'Deploy version 1.0.0 to production?',
    approvers: null,
    timeoutMs: null,
    decision: null,
    ...approval,
  };
  const task: Task = {
    taskId: 'approve',
    name: 'approve',
    kind: 'main',
    needs: ['build'],
    status,
    attempt: 0,
    reason: null,
    results: {},
    attemptId: null,
    startedAt: null,
    finishedAt: null,
    approval: full,
  };
  return { task, approval: full };
}

function caller(user: string, role: 'viewer' | 'developer' | null, admin = false): CallerAccess {
  return { user, admin, roles: role === null ? [] : [{ projectId: PROJECT, role }], groups: [] };
}

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
});

function show(
  access: CallerAccess,
  approval: Partial<TaskApproval> = {},
  decide: (decision: Decision, comment: string) => Promise<void> = () => Promise.resolve(),
  status: Task['status'] = 'waiting',
) {
  const { task, approval: full } = approvalTask(approval, status);
  const view = render(
    <ApprovalPanel
      task={task}
      approval={full}
      projectId={PROJECT}
      access={access}
      decide={decide}
    />,
  );
  unmount = view.unmount;
  const button = (name: string) =>
    [...view.container.querySelectorAll('button')].find((b) => b.textContent === name);
  const type = (text: string) => {
    const area = view.container.querySelector('textarea');
    if (area === null) throw new Error('no comment field');
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(
        area,
        text,
      );
      area.dispatchEvent(new Event('input', { bubbles: true }));
    });
  };
  const click = async (name: string) => {
    const target = button(name);
    if (target === undefined) throw new Error(`no button ${name}`);
    await act(async () => {
      target.click();
      await Promise.resolve();
    });
  };
  return { container: view.container, button, type, click };
}

describe('the approval panel', () => {
  it('shows the message and approvers, and approves with an optional comment', async () => {
    const calls: [Decision, string][] = [];
    const view = show(caller('dev', 'developer'), { approvers: ['dev', 'ops'] }, (d, c) => {
      calls.push([d, c]);
      return Promise.resolve();
    });
    expect(view.container.textContent).toContain('Deploy version 1.0.0 to production?');
    expect(view.container.textContent).toContain('Approvers: dev, ops');
    view.type('  looks good ');
    await view.click('Approve');
    expect(calls).toEqual([['approve', 'looks good']]);
  });

  it('asks for a comment to reject, and sends none until there is one', async () => {
    const calls: [Decision, string][] = [];
    const view = show(caller('dev', 'developer'), {}, (d, c) => {
      calls.push([d, c]);
      return Promise.resolve();
    });
    await view.click('Reject');
    expect(calls).toEqual([]);
    expect(view.container.querySelector('[role="alert"]')?.textContent).toContain(
      'Say why in the comment',
    );
    view.type('not on a Friday');
    await view.click('Reject');
    expect(calls).toEqual([['reject', 'not on a Friday']]);
    expect(view.container.querySelector('[role="alert"]')).toBeNull();
  });

  it("shows the server's error when it refuses the decision", async () => {
    const view = show(caller('dev', 'developer'), {}, () =>
      Promise.reject(
        new ApiError(409, {
          error: { code: 'conflict', message: 'task "approve" was approved by ops already' },
        }),
      ),
    );
    await view.click('Approve');
    expect(view.container.querySelector('[role="alert"]')?.textContent).toBe(
      'task "approve" was approved by ops already',
    );
  });

  it('offers no buttons to a viewer or to a developer who is not an approver', () => {
    const viewer = show(caller('vic', 'viewer'));
    expect(viewer.button('Approve')).toBeUndefined();
    expect(viewer.container.textContent).toContain('Only developers of the project');
    unmount();
    const other = show(caller('eve', 'developer'), { approvers: ['ops'] });
    expect(other.button('Approve')).toBeUndefined();
    expect(other.button('Reject')).toBeUndefined();
    expect(other.container.textContent).toContain('Only ops may approve or reject this task.');
    unmount();
    const admin = show(caller('root', null, true));
    expect(admin.button('Approve')).toBeDefined();
  });

  it('shows who decided, when, what and why once decided', () => {
    const at = Date.UTC(2026, 10, 26, 12, 0);
    const view = show(
      caller('dev', 'developer'),
      { decision: { decision: 'reject', by: 'ops', comment: 'not today', at } },
      () => Promise.resolve(),
      'failed',
    );
    const decided = view.container.querySelector('.decision');
    expect(decided?.textContent).toBe(
      `Rejected by ops on ${new Date(at).toLocaleString()}: not today`,
    );
    expect(view.button('Approve')).toBeUndefined();
  });
});
