import { describe, expect, it } from 'vitest';
import { toRunRecord } from './run-record.js';

const row = (id: string, plan: unknown) => ({
  id,
  project_id: 'p',
  number: 1,
  pipeline: 'ci',
  status: 'running',
  trigger: '{"event":"api"}',
  plan: JSON.stringify(plan),
  created_at: 1,
  started_at: null,
  finished_at: null,
  trusted: 1,
  retry_of: null,
  rerun_of: null,
});

describe('toRunRecord', () => {
  it("parses a run's plan once and shares it, frozen, while its text stays the same", () => {
    const first = toRunRecord(row('run-a', { tasks: [{ id: 'build' }] }));
    const again = toRunRecord(row('run-a', { tasks: [{ id: 'build' }] }));
    expect(again.plan).toBe(first.plan);
    expect(Object.isFrozen(first.plan)).toBe(true);
    expect(Object.isFrozen(first.plan.tasks[0])).toBe(true);

    const changed = toRunRecord(row('run-a', { tasks: [{ id: 'test' }] }));
    expect(changed.plan).not.toBe(first.plan);
    expect(changed.plan.tasks[0]?.id).toBe('test');
    expect(toRunRecord(row('run-b', { tasks: [{ id: 'build' }] })).plan).not.toBe(first.plan);
  });
});
