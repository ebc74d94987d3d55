import type { ControlStore } from '@slipway/core';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { approvalMessage } from './approval-message.js';
import type { BackgroundWork } from './background-work.js';
import { postToSlack } from './post-to-slack.js';
import type { SlackSecrets } from './slack-secrets.js';

/** What {@link SlackApprovalRequests} works with. */
export interface SlackApprovalRequestsContext {
  readonly store: ControlStore;
  readonly secrets: SlackSecrets;
  readonly hooksOrigin: string;
  /** The server's public URL, for the link to the run. */
  readonly publicUrl: () => string;
  readonly background: BackgroundWork;
  readonly metrics: ServerMetrics;
  readonly onError: (error: unknown, what: string) => void;
}

/**
 * Posts an approval request with Approve and Reject buttons to a project's Slack channel
 * when a task of one of its runs starts to wait for a decision. Posting happens after the
 * run's change is stored and never holds it up; a project without a channel gets
 * nothing. A post that fails for a transient reason (a network error, a 5xx, a 429) is
 * tried again a few times with backoff ({@link postToSlack}), every try counted in the
 * replies metric; one that still fails is logged (the run still waits, and the API, the
 * CLI, the web UI and `/slipway approve` can decide it).
 */
export class SlackApprovalRequests {
  constructor(private readonly context: SlackApprovalRequestsContext) {}

  /** Called when tasks of a run began to wait for a decision. */
  approvalsWaiting(runId: string, taskIds: readonly string[]): void {
    const { background, onError } = this.context;
    background.start(
      () => this.post(runId, taskIds),
      (error) => {
        onError(error, `post the approval request of run ${runId} to Slack`);
      },
    );
  }

  private async post(runId: string, taskIds: readonly string[]): Promise<void> {
    const { store, secrets, metrics } = this.context;
    const run = await store.getRun(runId);
    if (run === null) return;
    const channel = await secrets.projectChannel(run.projectId);
    if (channel === null) return;
    const project = await store.findProject(run.projectId);
    if (project === null) return;
    for (const taskId of taskIds) {
      const message = approvalMessage(
        project,
        run,
        taskId,
        `${this.context.publicUrl()}/runs/${run.id}`,
      );
      await postToSlack(channel.webhookUrl, message, this.context.hooksOrigin, {
        signal: this.context.background.signal,
        onTry: (delivered) => {
          metrics.slackReplied(delivered);
        },
      });
    }
  }
}
