// @vitest-environment happy-dom
import type { RunTestCase, RunTests } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from '../testing/render.js';
import { orderCases } from './order-cases.js';
import { TestResults } from './test-results.js';

function testCase(name: string, status: RunTestCase['status'], durationMs = 1): RunTestCase {
  return {
    suite: 'cart',
    name,
    classname: 'Cart',
    status,
    durationMs,
    taskId: 'test',
    attemptId: 'a1',
    ...(status === 'failed'
      ? { message: `${name} broke`, details: `AssertionError\n    at ${name}.js:1` }
      : {}),
  };
}

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
});

describe('test results', () => {
  it('puts failed and errored cases first, then skipped, then passed, slowest first', () => {
    const ordered = orderCases([
      testCase('adds', 'passed', 5),
      testCase('skips', 'skipped'),
      testCase('totals', 'failed', 2),
      testCase('crashes', 'errored', 9),
      testCase('removes', 'passed', 50),
      testCase('rounds', 'failed', 7),
    ]);
    expect(ordered.map((c) => c.name)).toEqual([
      'crashes',
      'rounds',
      'totals',
      'skips',
      'removes',
      'adds',
    ]);
  });

  it('shows each failure with its message and stack, and counts per suite', () => {
    const tests: RunTests = {
      totals: { tests: 3, passed: 2, failed: 1, errored: 0, skipped: 0, durationMs: 1500 },
      tasks: [
        {
          taskId: 'test',
          attemptId: 'a1',
          totals: { tests: 3, passed: 2, failed: 1, errored: 0, skipped: 0, durationMs: 1500 },
          suites: [
            { name: 'cart', tests: 3, failures: 1, errors: 0, skipped: 0, durationMs: 1500 },
          ],
        },
      ],
      cases: [testCase('adds', 'passed'), testCase('totals', 'failed'), testCase('x', 'passed')],
      nextOffset: null,
    };
    const view = render(<TestResults tests={tests} />);
    unmount = view.unmount;
    const items = [...view.container.querySelectorAll('.cases > li')];
    expect(items.map((li) => li.getAttribute('data-status'))).toEqual([
      'failed',
      'passed',
      'passed',
    ]);
    const failure = items[0];
    expect(failure?.querySelector('details')?.open).toBe(true);
    expect(failure?.querySelector('.case-message')?.textContent).toBe('totals broke');
    expect(failure?.querySelector('.case-details')?.textContent).toContain('at totals.js:1');
    const row = [...view.container.querySelectorAll('tbody tr td')].map((td) => td.textContent);
    expect(row).toEqual(['test', 'cart', '3', '1', '0', '0', '1.5 s']);
    expect(view.container.querySelector('.totals')?.textContent).toContain('1 failed');
  });
});
