import { routes } from '@slipway/api';
import { PullRequestLabel, type ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { requireProject } from '../projects/project-routes.js';
import type { AutoMerge } from './auto-merge.js';

/** Most pull requests `GET /api/projects/:project/pulls` answers. */
const PULL_LIST_LIMIT = 500;

/** What the pull request routes work with. */
export interface PullRequestRoutesContext {
  readonly store: ControlStore;
  readonly autoMerge: AutoMerge;
}

/**
 * `GET /api/projects/:project/pulls` (project viewers): the recorded pull requests, open
 * or closed. `GET /api/projects/:project/pulls/:number` (project viewers): the labels PR commands
 * recorded, whether a fork's runs wait for `/ok-to-test`, the checks of the head commit
 * (the latest report per pipeline), and the auto-merge decision with every reason it is
 * not merging. It reads the pull request from the forge (what it cannot read is a
 * reason). A pull request nothing was recorded about answers empty labels and no checks.
 */
export function pullRequestRoutes(app: FastifyInstance, context: PullRequestRoutesContext): void {
  const { store, autoMerge } = context;
  defineRoute(app, routes.listPullRequests, async ({ params }) => {
    const project = await requireProject(store, params.project);
    const records = await store.listPullRequests(project.id, PULL_LIST_LIMIT);
    return {
      pulls: records.map((record) => ({
        number: record.number,
        state: record.state,
        headCommit: record.headCommit,
        updatedAt: record.updatedAt,
      })),
    };
  });

  defineRoute(app, routes.getPullRequestStatus, async ({ params }) => {
    const project = await requireProject(store, params.project);
    const { decision, record, checks } = await autoMerge.status(project.id, params.number);
    const labels = record?.labels ?? {};
    return {
      number: params.number,
      state: record?.state ?? null,
      headCommit: record?.headCommit ?? null,
      labels: {
        approved: [...(labels[PullRequestLabel.Approved] ?? [])],
        held: [...(labels[PullRequestLabel.Held] ?? [])],
        lgtm: [...(labels[PullRequestLabel.Lgtm] ?? [])],
      },
      waitingForOkToTest: (record?.waitingEventId ?? null) !== null,
      checks: checks.map((check) => ({
        context: check.context,
        state: check.state,
        description: check.description,
        runId: check.runId,
      })),
      merge: {
        state: decision.state,
        reasons: [...decision.reasons],
        method: decision.method,
        attempts: record?.merge?.attempts ?? 0,
        lastError: record?.merge?.lastError ?? null,
      },
    };
  });
}
