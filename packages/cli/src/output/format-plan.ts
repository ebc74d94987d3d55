import type { Plan, PlanTask } from '@slipway/core';

export const PlanFormat = { Text: 'text', Mermaid: 'mermaid', Dot: 'dot', Json: 'json' } as const;
export type PlanFormat = (typeof PlanFormat)[keyof typeof PlanFormat];

/** The compiled plan as text for people, a Mermaid or Graphviz graph, or JSON. */
export function formatPlan(plan: Plan, format: PlanFormat): string {
  switch (format) {
    case PlanFormat.Text:
      return planAsText(plan);
    case PlanFormat.Mermaid:
      return planAsMermaid(plan);
    case PlanFormat.Dot:
      return planAsDot(plan);
    case PlanFormat.Json:
      return JSON.stringify(plan, null, 2);
  }
}

function planAsText(plan: Plan): string {
  const lines = [`pipeline ${plan.pipeline} (${plan.source.file})`];
  const inferred = plan.source.inferredFrom;
  if (inferred) {
    lines.push('inferred from the Makefile convention:');
    for (const reason of inferred.reasons) lines.push(`  - ${reason}`);
  }
  const params = Object.entries(plan.params);
  if (params.length)
    lines.push(`params: ${params.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  if (plan.concurrency) {
    const c = plan.concurrency;
    lines.push(
      `concurrency: group ${c.group}, limit ${c.limit}${c.cancelInProgress ? ', cancels in-progress runs' : ''}`,
    );
  }
  for (const task of plan.tasks) lines.push('', ...taskAsText(task));
  return lines.join('\n');
}

function taskAsText(task: PlanTask): string[] {
  const head = `${task.kind === 'finally' ? 'finally ' : ''}task ${task.id}`;
  const details = [
    task.needs.length ? `needs: ${task.needs.join(', ')}` : '',
    task.when ? `when: ${task.when}` : '',
    task.image ? `image: ${task.image}` : '',
    task.runsOn.length ? `runs-on: ${task.runsOn.join(', ')}` : '',
    task.retries.count ? `retries: ${task.retries.count}` : '',
    task.timeoutMs !== null ? `timeout: ${task.timeoutMs}ms` : '',
    task.results.length ? `results: ${task.results.join(', ')}` : '',
    task.reports.length ? `reports: ${task.reports.join(', ')}` : '',
    task.artifacts.length ? `artifacts: ${task.artifacts.join(', ')}` : '',
    task.template ? `template: ${describeTemplate(task)}` : '',
    task.approval ? `approval: ${describeApproval(task.approval)}` : '',
  ].filter(Boolean);
  return [
    head,
    ...details.map((d) => `  ${d}`),
    ...task.steps.map(
      (s, i) => `  ${i + 1}. ${s.name}${s.continueOnError ? ' (continue on error)' : ''}`,
    ),
  ];
}

function describeApproval(approval: NonNullable<PlanTask['approval']>): string {
  const who =
    approval.approvers === null ? 'any developer' : `approvers ${approval.approvers.join(', ')}`;
  return approval.message === null ? who : `${JSON.stringify(approval.message)}, ${who}`;
}

function describeTemplate(task: PlanTask): string {
  const t = task.template;
  if (!t) return '';
  return t.kind === 'file'
    ? `${t.path} (sha256 ${t.sha256.slice(0, 12)})`
    : `${t.path} at ${t.ref} = ${t.commit.slice(0, 12)} in ${t.repository}`;
}

function planAsMermaid(plan: Plan): string {
  const node = new Map(plan.tasks.map((t, i) => [t.id, `t${i}`]));
  const lines = ['graph LR'];
  for (const task of plan.tasks) {
    const label = task.id.replace(/"/g, '#quot;');
    lines.push(
      `  ${node.get(task.id) ?? ''}${task.kind === 'finally' ? `(["${label}"])` : `["${label}"]`}`,
    );
  }
  for (const task of plan.tasks) {
    for (const need of task.needs)
      lines.push(`  ${node.get(need) ?? ''} --> ${node.get(task.id) ?? ''}`);
  }
  return lines.join('\n');
}

function planAsDot(plan: Plan): string {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = [`digraph ${quote(plan.pipeline)} {`, '  rankdir=LR;'];
  for (const task of plan.tasks) {
    lines.push(`  ${quote(task.id)}${task.kind === 'finally' ? ' [style=dashed]' : ''};`);
  }
  for (const task of plan.tasks) {
    for (const need of task.needs) lines.push(`  ${quote(need)} -> ${quote(task.id)};`);
  }
  lines.push('}');
  return lines.join('\n');
}
