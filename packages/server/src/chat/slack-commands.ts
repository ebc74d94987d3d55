import { ApprovalDecision, ProjectRole, RunStatus, TaskStatus } from '@slipway/core';
import type { DecideApprovalContext } from '../runs/decide-approval.js';
import { noEnvironmentsAnswer } from '../pulls/no-environments.js';
import { slackUserOf, unmappedRefusal, userMayIn } from './chat-users.js';
import { decideFromChat } from './decide-from-chat.js';
import { SLACK_HELP, SlackCommandName, type SlackCommand } from './parse-slack-command.js';

/** Runs `/slipway status` shows. */
const STATUS_RUNS = 5;

/**
 * Carries out `/slipway` commands for a Slack user and answers with the text to show.
 * The Slack user must be mapped to a Slipway user by an admin; that user's project roles
 * authorize each command as the API would: viewers see status, developers decide
 * approvals. Words from the command are names, never script text.
 */
export class SlackCommands {
  constructor(private readonly context: DecideApprovalContext) {}

  async answer(slackUser: string, command: SlackCommand): Promise<string> {
    if (command.name === SlackCommandName.Help) return help(command);
    const user = await slackUserOf(this.context.store, slackUser);
    if (user === null) return unmappedRefusal(slackUser);
    switch (command.name) {
      case SlackCommandName.Status:
        return this.status(user, command.args[0]);
      case SlackCommandName.Approve:
      case SlackCommandName.Reject: {
        const [run, task] = command.args;
        if (run === undefined)
          return `Slipway: name the run, as in \`/slipway ${command.name} RUN [TASK]\`.`;
        const decision =
          command.name === SlackCommandName.Approve
            ? ApprovalDecision.Approve
            : ApprovalDecision.Reject;
        const outcome = await decideFromChat(this.context, user, run, task, decision);
        return `Slipway: ${outcome.line}.`;
      }
      case SlackCommandName.Deploy:
        return `Slipway: deploy: ${noEnvironmentsAnswer(command.args[1])}.`;
    }
  }

  private async status(user: string, projectName: string | undefined): Promise<string> {
    if (projectName === undefined)
      return 'Slipway: name the project, as in `/slipway status PROJECT`.';
    const { store } = this.context;
    const project = await store.findProject(projectName);
    if (project === null || !(await userMayIn(store, project.id, user, ProjectRole.Viewer))) {
      return `Slipway: there is no project "${projectName}" that ${user} may see.`;
    }
    const runs = await store.listRuns({ projectId: project.id, limit: STATUS_RUNS });
    if (runs.length === 0) return `*${project.name}* has no runs yet.`;
    const lines = [`*${project.name}*: the latest runs`];
    for (const run of runs) {
      lines.push(`• ${run.pipeline} run #${run.number}: ${run.status} (\`${run.id}\`)`);
      if (run.status !== RunStatus.Waiting) continue;
      const waiting = (await store.listTasks(run.id)).filter(
        (t) => t.status === TaskStatus.Waiting,
      );
      for (const task of waiting) {
        lines.push(
          `   awaits approval of "${task.taskId}": \`/slipway approve ${run.id} ${task.taskId}\``,
        );
      }
    }
    return lines.join('\n');
  }
}

function help(command: SlackCommand): string {
  if (command.unknown === undefined) return SLACK_HELP;
  return `Slipway does not know \`${command.unknown}\`.\n${SLACK_HELP}`;
}
