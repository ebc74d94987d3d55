import { describe, expect, it } from 'vitest';
import { parsePipelineDocument } from '../pipeline/index.js';
import type { Plan } from '../plan/plan.js';
import { compilePipeline } from './compile-pipeline.js';

function compileYaml(yaml: string) {
  const parsed = parsePipelineDocument('.slipway.yml', yaml);
  if (!parsed.ok) return { ok: false as const, diagnostics: parsed.diagnostics };
  return compilePipeline(parsed.value);
}

function compile(yaml: string): Plan {
  const result = compileYaml(yaml);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.plan;
}

function problems(yaml: string): string[] {
  const result = compileYaml(yaml);
  if (result.ok) throw new Error('expected configuration errors');
  return [...result.diagnostics]
    .sort((a, b) => a.line - b.line)
    .map((d) => `${d.line}:${d.column} ${d.key}: ${d.message}`);
}

describe('approval tasks', () => {
  it('compile to a task with no steps that publishes approved_by and comment', () => {
    const plan = compile(`
tasks:
  build:
    steps: [make]
  approve:
    needs: build
    timeout: 30m
    approval:
      message: Deploy to prod?
      approvers: [alice, bob, alice]
  deploy:
    needs: approve
    env:
      APPROVER: \${{ tasks.approve.results.approved_by }}
      WHY: \${{ tasks.approve.results.comment }}
    steps: [./deploy.sh]
`);
    const approve = plan.tasks.find((t) => t.id === 'approve');
    expect(approve).toMatchObject({
      needs: ['build'],
      steps: [],
      timeoutMs: 30 * 60_000,
      results: ['approved_by', 'comment'],
      approval: { message: 'Deploy to prod?', approvers: ['alice', 'bob'] },
    });
    expect(plan.tasks.find((t) => t.id === 'deploy')?.approval).toBeUndefined();
  });

  it('without message or approvers leaves both null (anyone with the developer role)', () => {
    const plan = compile(`
tasks:
  approve:
    approval: {}
`);
    expect(plan.tasks[0]?.approval).toEqual({ message: null, approvers: null });
    expect(plan.tasks[0]?.timeoutMs).toBeNull();
  });

  it('refuses keys that run something, each at its own line and column', () => {
    expect(
      problems(`
tasks:
  approve:
    approval: { message: ok? }
    steps: [echo hi]
    retries: 2
    matrix:
      axes: { os: [linux] }
    image: alpine
`),
    ).toEqual([
      '5:5 tasks.approve.steps: an approval task waits for a person and runs nothing, so it cannot have `steps`: remove it (an approval task takes only needs, when and timeout), or move the work to a task that needs this one',
      '6:5 tasks.approve.retries: an approval task waits for a person and runs nothing, so it cannot have `retries`: remove it (an approval task takes only needs, when and timeout), or move the work to a task that needs this one',
      '7:5 tasks.approve.matrix: an approval task waits for a person and runs nothing, so it cannot have `matrix`: remove it (an approval task takes only needs, when and timeout), or move the work to a task that needs this one',
      '9:5 tasks.approve.image: an approval task waits for a person and runs nothing, so it cannot have `image`: remove it (an approval task takes only needs, when and timeout), or move the work to a task that needs this one',
    ]);
  });

  it('refuses uses on an approval task', () => {
    expect(
      problems(`
tasks:
  approve:
    uses: templates/deploy.yml
    approval: {}
`),
    ).toEqual([
      expect.stringMatching(/^4:5 tasks\.approve\.uses: an approval task .* cannot have `uses`/),
    ]);
  });

  it('refuses an unknown key of approval and an empty approvers list', () => {
    expect(
      problems(`
tasks:
  approve:
    approval:
      approvers: []
      whom: [carol]
`),
    ).toEqual([
      expect.stringMatching(/^5:\d+ tasks\.approve\.approval\.approvers: list at least one user/),
      '6:7 tasks.approve.approval.whom: unknown key "whom"; the keys allowed here are message, approvers',
    ]);
  });

  it('refuses reading a result an approval task does not publish', () => {
    expect(
      problems(`
tasks:
  approve:
    approval: {}
  deploy:
    needs: approve
    env: { X: "\${{ tasks.approve.results.approver }}" }
    steps: [echo]
`),
    ).toEqual([
      '7:12 tasks.deploy.env.X: task "approve" declares no result "approver" in `tasks.approve.results.approver`; an approval task has only the results approved_by and comment',
    ]);
  });
});
