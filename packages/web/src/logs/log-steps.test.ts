import type { LogChunk } from '@slipway/api';
import { describe, expect, it } from 'vitest';
import { LogLines } from './log-lines.js';
import { initiallyCollapsed, logRows, summarizeSteps, type PlannedStep } from './log-steps.js';

const PLAN: PlannedStep[] = [
  { name: 'install', continueOnError: false },
  { name: 'lint', continueOnError: true },
  { name: 'test', continueOnError: false },
  { name: 'package', continueOnError: false },
];

/** Lines written by steps: `[step, text, at]`. */
function written(...parts: [number, string, number][]) {
  const lines = new LogLines();
  parts.forEach(([step, text, at], seq) => {
    const chunk: LogChunk = { attemptId: 'a', step, seq, stream: 'stdout', text, at };
    lines.add(chunk);
  });
  return lines.lines();
}

const OUTPUT = written(
  [0, 'added 12 packages\nok\n', 1000],
  [1, 'warning\n', 4000],
  [2, 'FAIL cart\n', 5000],
);

describe('step summaries', () => {
  it('tell each step its name, state, line count and duration while the task runs', () => {
    const steps = summarizeSteps(PLAN, OUTPUT, {
      status: 'running',
      reason: null,
      finishedAt: null,
    });
    expect(steps.map((s) => [s.name, s.state, s.lines])).toEqual([
      ['install', 'succeeded', 2],
      ['lint', 'finished', 1],
      ['test', 'running', 1],
      ['package', 'pending', 0],
    ]);
    expect(steps[0]?.finishedAt).toBe(4000);
    expect(steps[0]?.startedAt).toBe(1000);
    expect(steps[2]?.finishedAt).toBeNull();
  });

  it('mark the step the failure names, even a silent one after the last output', () => {
    const steps = summarizeSteps(PLAN, OUTPUT, {
      status: 'failed',
      reason: 'step "package" exited with code 2',
      finishedAt: 9000,
    });
    expect(steps.map((s) => s.state)).toEqual(['succeeded', 'finished', 'succeeded', 'failed']);
    expect(steps[2]?.finishedAt).toBe(9000);
  });

  it('blame the last step that wrote when the reason names none, and say which did not run', () => {
    const steps = summarizeSteps(PLAN, OUTPUT, {
      status: 'lost',
      reason: 'the agent stopped answering',
      finishedAt: 9000,
    });
    expect(steps.map((s) => s.state)).toEqual(['succeeded', 'finished', 'failed', 'not_run']);
  });

  it('are all succeeded when the task succeeded', () => {
    const steps = summarizeSteps(PLAN, OUTPUT, {
      status: 'succeeded',
      reason: null,
      finishedAt: 9000,
    });
    expect(steps.every((s) => s.state === 'succeeded')).toBe(true);
    expect(initiallyCollapsed(steps).size).toBe(0);
  });

  it('start the succeeded steps collapsed when a step failed, as GitHub Actions does', () => {
    const steps = summarizeSteps(PLAN, OUTPUT, {
      status: 'failed',
      reason: 'step "test" exited with code 1',
      finishedAt: 9000,
    });
    expect([...initiallyCollapsed(steps)]).toEqual([0]);
  });
});

describe('log rows', () => {
  it('put each step header before its lines and leave out the lines of collapsed steps', () => {
    const steps = summarizeSteps(PLAN, OUTPUT, {
      status: 'running',
      reason: null,
      finishedAt: null,
    });
    const rows = logRows(OUTPUT, steps, new Set([0]));
    expect(rows.map((row) => (row.kind === 'step' ? `# ${row.step.name}` : row.line.text))).toEqual(
      ['# install', '# lint', 'warning', '# test', 'FAIL cart', '# package'],
    );
    expect(rows[0]).toMatchObject({ kind: 'step', collapsed: true });
  });
});
