import { routes } from '@slipway/api';
import { PullRequestLabel, type ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { requireProject } from '../projects/project-routes.js';
import type { AutoMerge } from './auto-merge.js';

/** What the pull request routes work with. */
export interface PullRequestRoutesContext {
  readonly store: ControlStore;
  readonly autoMerge: AutoMerge;
}

/**
 * `GET /api/projects/:project/pulls/:number` (project viewers): the labels PR commands
 * recorded, whether a fork's runs wait for `/ok-to-test`, the checks of the head commit
 * (the latest report per pipeline), and the auto-merge decision with every reason it is
 * not merging. It reads the pull request from the forge (what it cannot read is a
 * reason). A pull request nothing was recorded about answers empty labels and no checks.
 */
export function pullRequestRoutes(app: FastifyInstance, context: PullRequestRoutesContext): void {
  const { store, autoMerge } = context;
  defineRoute(app, routes.getPullRequestStatus, async ({ params }) => {
    const project = await requireProject(store, params.project);
    const { decision, record, checks } = await autoMerge.status(project.id, params.number);
    const labels = record?.labels ?? {};
    return {
      number: params.number,
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
