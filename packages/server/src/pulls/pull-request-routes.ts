import { routes, type PullRequestStatus } from '@slipway/api';
import { PullRequestLabel, type ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { commitStateOf } from '../forges/commit-state-of.js';
import { defineRoute } from '../http/define-route.js';
import { requireProject } from '../projects/project-routes.js';

/**
 * `GET /api/projects/:project/pulls/:number` (project viewers): the labels PR commands
 * recorded, whether a fork's runs wait for `/ok-to-test`, and the checks of the head
 * commit (the latest report per pipeline). A pull request nothing was recorded about
 * answers empty labels and no checks.
 */
export function pullRequestRoutes(app: FastifyInstance, store: ControlStore): void {
  defineRoute(app, routes.getPullRequestStatus, async ({ params }) => {
    const project = await requireProject(store, params.project);
    const record = await store.findPullRequest(project.id, params.number);
    const head = record?.headCommit ?? null;
    const reports = head === null ? [] : await store.listCommitStatuses(project.id, head);
    const latest = new Map<string, PullRequestStatus['checks'][number]>();
    for (const report of reports) {
      const { state, description } = commitStateOf(report.runStatus);
      latest.set(report.context, {
        context: report.context,
        state,
        description,
        runId: report.runId,
      });
    }
    const labels = record?.labels ?? {};
    return {
      number: params.number,
      headCommit: head,
      labels: {
        approved: [...(labels[PullRequestLabel.Approved] ?? [])],
        held: [...(labels[PullRequestLabel.Held] ?? [])],
        lgtm: [...(labels[PullRequestLabel.Lgtm] ?? [])],
      },
      waitingForOkToTest: (record?.waitingEventId ?? null) !== null,
      checks: [...latest.values()],
    };
  });
}
