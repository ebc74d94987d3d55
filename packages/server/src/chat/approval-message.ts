import type { Project, RunRecord } from '@slipway/core';
import { escapeSlack } from './slack-text.js';

/** The `action_id`s of the buttons of an approval request. */
export const ApprovalAction = { Approve: 'slipway_approve', Reject: 'slipway_reject' } as const;
export type ApprovalAction = (typeof ApprovalAction)[keyof typeof ApprovalAction];

/** What a button's `value` names: the run and the task to decide. */
export interface ApprovalTarget {
  readonly run: string;
  readonly task: string;
}

/**
 * The Block Kit message asking a channel to decide an approval task: what waits, a link
 * to the run, and Approve and Reject buttons whose value names the run and the task.
 * Pressing one sends an interaction to Slipway, which decides as the mapped user.
 */
export function approvalMessage(
  project: Project,
  run: RunRecord,
  taskId: string,
  runUrl: string,
): Record<string, unknown> {
  const value = JSON.stringify({ run: run.id, task: taskId } satisfies ApprovalTarget);
  const what = escapeSlack(
    `${project.name}: ${run.pipeline} run #${run.number} waits for approval of task "${taskId}"`,
  );
  return {
    text: what,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${what}\n<${escapeSlack(runUrl)}|Open the run>` },
      },
      {
        type: 'actions',
        block_id: 'slipway_approval',
        elements: [
          {
            type: 'button',
            action_id: ApprovalAction.Approve,
            style: 'primary',
            text: { type: 'plain_text', text: 'Approve' },
            value,
          },
          {
            type: 'button',
            action_id: ApprovalAction.Reject,
            style: 'danger',
            text: { type: 'plain_text', text: 'Reject' },
            value,
          },
        ],
      },
    ],
  };
}
