import {
  isRunFinished,
  isUserError,
  MergeStatus,
  ProjectRole,
  PullRequestLabel,
  roleAllows,
  RunStatus,
  TriggerEvent,
  TriggerEventStatus,
  type Project,
  type PullRequestInfo,
  type PullRequestRecord,
  type RunRecord,
  type ClaimedTriggerEvent,
  type TriggerFacts,
} from '@slipway/core';
import type { ProjectForges } from '../forges/project-forges.js';
import { compileRunPlan, startRun, type CreateRunContext } from '../runs/create-run.js';
import { rerunRun } from '../runs/rerun-run.js';
import type { PullRequestComment } from '../triggers/normalized-trigger.js';
import type { TriggerEventResult } from '../triggers/process-trigger-event.js';
import { noEnvironmentsAnswer } from './no-environments.js';
import { parseCommands, PrCommandName, type PrCommand } from './parse-commands.js';

/** What pull request commands work with. */
export interface PullRequestCommandsContext {
  readonly runs: CreateRunContext;
  readonly forges: ProjectForges;
  /** Starts the runs of a fork's event that waited for `/ok-to-test` (untrusted). */
  readonly startWaiting: (event: ClaimedTriggerEvent) => Promise<TriggerEventResult>;
  /** Records commit statuses of runs a command started. */
  readonly runsStarted: (
    project: Project,
    commit: string,
    runIds: readonly string[],
  ) => Promise<void>;
  readonly now: () => number;
}

/** Run statuses `/retest` runs again. */
const RETESTED: readonly RunStatus[] = [RunStatus.Failed, RunStatus.TimedOut, RunStatus.Cancelled];
/** How many recent runs of the project `/retest` and `/cancel` look through. */
const RECENT_RUNS = 200;

/** One command's answer, and the runs it started. */
interface Answer {
  readonly line: string;
  readonly runIds?: readonly string[];
}

/**
 * Carries out the commands of a pull request comment and answers with one comment on the
 * pull request. The commenter's forge login is mapped to a Slipway user by the project's
 * forge settings; every command needs the developer role on the project (unknown logins
 * and lower roles are refused, with a reply). Values from the comment and the pull
 * request reach runs only as trigger facts (environment variables), never as shell text.
 */
export class PullRequestCommands {
  constructor(private readonly context: PullRequestCommandsContext) {}

  async handle(project: Project, comment: PullRequestComment): Promise<TriggerEventResult> {
    const commands = parseCommands(comment.body);
    if (commands.length === 0) return ignored('the comment gives no command');
    const forge = await this.context.forges.clientFor(project.id);
    if (forge === null) {
      return ignored(
        'the comment gives commands, but the project has no forge settings to answer with (`slipway project forge`)',
      );
    }
    const user = forge.users[comment.author];
    const role =
      user === undefined ? null : await this.context.runs.store.findRole(project.id, user);
    if (user === undefined || role === null || !roleAllows(role, ProjectRole.Developer)) {
      const why =
        user === undefined
          ? `@${comment.author} is not mapped to a Slipway user of this project; a project admin can map it with \`slipway project forge --user LOGIN=USER\``
          : `@${comment.author} (${user}) needs the developer role on project ${project.name}`;
      await forge.client.commentOnPullRequest(comment.number, `Slipway: refused. ${why}.`);
      return ignored(`commands of @${comment.author} refused: not a project member`);
    }
    const pr = await forge.client.getPullRequest(comment.number);
    const answers: Answer[] = [];
    for (const command of commands) {
      try {
        answers.push(await this.run(project, pr, user, command));
      } catch (error) {
        if (!isUserError(error)) throw error;
        answers.push({ line: `${command.name}: ${error.message}` });
      }
    }
    await this.context.runs.store.updatePullRequest(project.id, pr.number, (current) => ({
      ...current,
      headCommit: pr.headCommit,
      updatedAt: this.context.now(),
    }));
    const reply = ['Slipway:', ...answers.map((answer) => `- ${answer.line}`)].join('\n');
    await forge.client.commentOnPullRequest(pr.number, reply);
    const runIds = answers.flatMap((answer) => answer.runIds ?? []);
    const outcome = `commands of @${comment.author} (${user}) on #${pr.number}: ${answers.map((a) => a.line).join('; ')}`;
    return {
      status: runIds.length > 0 ? TriggerEventStatus.Processed : TriggerEventStatus.Ignored,
      outcome,
      runIds,
      event: runIds.length > 0 ? TriggerEvent.PullRequest : null,
      pr: pr.number,
    };
  }

  private async run(
    project: Project,
    pr: PullRequestInfo,
    user: string,
    command: PrCommand,
  ): Promise<Answer> {
    switch (command.name) {
      case PrCommandName.Retest:
        return this.retest(project, pr, user);
      case PrCommandName.Test:
        return this.test(project, pr, user, command.args[0]);
      case PrCommandName.Cancel:
        return this.cancel(project, pr);
      case PrCommandName.Approve:
        return this.setLabel(project, pr, PullRequestLabel.Approved, user, true);
      case PrCommandName.Lgtm:
        return this.setLabel(project, pr, PullRequestLabel.Lgtm, user, true);
      case PrCommandName.Hold:
        return this.setLabel(
          project,
          pr,
          PullRequestLabel.Held,
          user,
          command.args[0] !== 'cancel',
        );
      case PrCommandName.OkToTest:
        return this.okToTest(project, pr);
      case PrCommandName.Deploy:
        return { line: `deploy: ${noEnvironmentsAnswer(command.args[0])}` };
    }
  }

  private async prRuns(project: Project, pr: PullRequestInfo): Promise<RunRecord[]> {
    const runs = await this.context.runs.store.listRuns({
      projectId: project.id,
      limit: RECENT_RUNS,
    });
    return runs.filter(
      (run) => run.trigger.event === TriggerEvent.PullRequest && run.trigger.pr === pr.number,
    );
  }

  private async retest(project: Project, pr: PullRequestInfo, user: string): Promise<Answer> {
    const atHead = (await this.prRuns(project, pr)).filter(
      (run) => run.trigger.commit === pr.headCommit,
    );
    const latest = new Map<string, RunRecord>();
    for (const run of atHead) if (!latest.has(run.pipeline)) latest.set(run.pipeline, run);
    const failed = [...latest.values()].filter((run) => RETESTED.includes(run.status));
    if (failed.length === 0) {
      return { line: `retest: no failed pipeline at ${pr.headCommit.slice(0, 12)} to run again` };
    }
    const started: RunRecord[] = [];
    for (const run of failed) started.push(await rerunRun(this.context.runs, project, run, user));
    await this.context.runsStarted(
      project,
      pr.headCommit,
      started.map((run) => run.id),
    );
    return {
      line: `retest: started ${started.map((run) => `${run.pipeline} run #${run.number}`).join(', ')}`,
      runIds: started.map((run) => run.id),
    };
  }

  private async test(
    project: Project,
    pr: PullRequestInfo,
    user: string,
    pipeline: string | undefined,
  ): Promise<Answer> {
    if (pipeline === undefined) return { line: 'test: name the pipeline to run, as in "test ci"' };
    const facts: TriggerFacts = {
      event: TriggerEvent.PullRequest,
      branch: pr.headBranch,
      base: pr.baseBranch,
      pr: pr.number,
      title: pr.title,
      commit: pr.headCommit,
      actor: user,
    };
    const { runs } = this.context;
    await runs.repositories.fetchCommit(project.source, pr.headCommit);
    const plan = await compileRunPlan(runs, project, pr.headCommit, { pipeline }, facts);
    const run = await startRun(runs, {
      projectId: project.id,
      plan,
      trigger: facts,
      trusted: !pr.fork,
    });
    await this.context.runsStarted(project, pr.headCommit, [run.id]);
    return {
      line: `test: started ${run.pipeline} run #${run.number}${pr.fork ? ' (fork: without secrets)' : ''}`,
      runIds: [run.id],
    };
  }

  private async cancel(project: Project, pr: PullRequestInfo): Promise<Answer> {
    const running = (await this.prRuns(project, pr)).filter((run) => !isRunFinished(run.status));
    for (const run of running) {
      await this.context.runs.driver.apply(run.id, { type: 'cancel_requested' });
    }
    if (running.length === 0) return { line: 'cancel: no run of this pull request is in progress' };
    return {
      line: `cancel: cancelling ${running.map((run) => `${run.pipeline} run #${run.number}`).join(', ')}`,
    };
  }

  private async setLabel(
    project: Project,
    pr: PullRequestInfo,
    name: PullRequestLabel,
    user: string,
    on: boolean,
  ): Promise<Answer> {
    const record = await this.context.runs.store.updatePullRequest(
      project.id,
      pr.number,
      (current): PullRequestRecord => {
        const users = current.labels[name] ?? [];
        const next = on ? [...users.filter((u) => u !== user), user] : [];
        const labels = Object.fromEntries(
          Object.entries(current.labels).filter(([label]) => label !== name),
        );
        if (next.length > 0) labels[name] = next;
        // A new /approve asks again for a merge that failed for the same head.
        const retry =
          name === PullRequestLabel.Approved && on && current.merge?.status === MergeStatus.Failed;
        return {
          ...current,
          labels,
          ...(retry ? { merge: null } : {}),
          updatedAt: this.context.now(),
        };
      },
    );
    const by = record.labels[name];
    return {
      line: by === undefined ? `${name}: removed` : `${name}: recorded (by ${by.join(', ')})`,
    };
  }

  private async okToTest(project: Project, pr: PullRequestInfo): Promise<Answer> {
    const { store } = this.context.runs;
    const waiting = await store.findPullRequest(project.id, pr.number);
    if (waiting?.waitingEventId === null || waiting === null) {
      return { line: 'ok-to-test: no run of this pull request waits for it' };
    }
    const event = await store.findTriggerEvent(waiting.waitingEventId);
    await store.updatePullRequest(project.id, pr.number, (current) => ({
      ...current,
      waitingEventId: null,
      updatedAt: this.context.now(),
    }));
    if (event === null) return { line: 'ok-to-test: the waiting event is gone' };
    const result = await this.context.startWaiting(event);
    return { line: `ok-to-test: ${result.outcome}`, runIds: result.runIds };
  }
}

function ignored(outcome: string): TriggerEventResult {
  return { status: TriggerEventStatus.Ignored, outcome, runIds: [], event: null };
}
