import { ErrorCode, REPORT_LIMITS, routes, type ReportTotals } from '@slipway/api';
import type { ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import type { AgentRegistry } from '../agents/agent-registry.js';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';

const DEFAULT_CASE_PAGE = 100;

/** What the report routes work with. */
export interface ReportRoutesContext {
  readonly store: ControlStore;
  readonly agents: AgentRegistry;
  readonly now: () => number;
}

/**
 * Test reports: agents upload an attempt's parsed report; users read a run's totals per
 * task and its cases, failed ones first. A run's reports are those of each task's latest
 * attempt, or of the attempt a task kept from an earlier run.
 */
export function reportRoutes(app: FastifyInstance, context: ReportRoutesContext): void {
  const { store } = context;

  defineRoute(
    app,
    routes.sendReport,
    async ({ body }) => {
      const now = context.now();
      context.agents.seen(body.agentId, now);
      const accepted = await store.saveReport({
        attemptId: body.attemptId,
        agentId: body.agentId,
        report: body.report,
        now,
      });
      return { accepted };
    },
    { bodyLimit: REPORT_LIMITS.maxBytes },
  );

  defineRoute(app, routes.listTests, async ({ params, query }) => {
    const run = await store.getRun(params.id);
    if (!run) throw new HttpError(ErrorCode.NotFound, `no run "${params.id}"`);
    let tasks = await store.listTasks(run.id);
    if (query.task !== undefined) {
      tasks = tasks.filter((t) => t.taskId === query.task);
      if (tasks.length === 0) {
        throw new HttpError(ErrorCode.NotFound, `run ${run.id} has no task "${query.task}"`);
      }
    }
    const taskOf = new Map<string, string>();
    for (const t of tasks) if (t.attemptId !== null) taskOf.set(t.attemptId, t.taskId);
    const reports = await store.readReports([...taskOf.keys()]);
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_CASE_PAGE;
    const cases = await store.listTestCases({
      attemptIds: reports.map((r) => r.attemptId),
      ...(query.status !== undefined ? { status: query.status } : {}),
      offset,
      limit: limit + 1,
    });
    return {
      totals: sum(reports.map((r) => r.totals)),
      tasks: reports.map((r) => ({
        taskId: taskOf.get(r.attemptId) ?? '',
        attemptId: r.attemptId,
        totals: r.totals,
        suites: r.suites,
      })),
      cases: cases.slice(0, limit).map((c) => ({ ...c, taskId: taskOf.get(c.attemptId) ?? '' })),
      nextOffset: cases.length > limit ? offset + limit : null,
    };
  });
}

function sum(totals: readonly ReportTotals[]): ReportTotals {
  const out: ReportTotals = {
    tests: 0,
    passed: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    durationMs: 0,
  };
  for (const t of totals) {
    out.tests += t.tests;
    out.passed += t.passed;
    out.failed += t.failed;
    out.errored += t.errored;
    out.skipped += t.skipped;
    out.durationMs += t.durationMs;
  }
  out.durationMs = Math.round(out.durationMs * 1000) / 1000;
  return out;
}
