import type { RunTestCase } from '@slipway/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCases } from './compare-cases.js';

function testCase(name: string, status: RunTestCase['status'], suite = 'cart'): RunTestCase {
  return {
    suite,
    name,
    classname: 'Cart',
    status,
    durationMs: 1,
    taskId: 'test',
    attemptId: 'a1',
  };
}

const names = (cases: readonly RunTestCase[]) => cases.map((c) => `${c.suite}/${c.name}`);

describe('comparing test cases with an earlier run', () => {
  it('sorts failures into new, still failing, and fixed', () => {
    const previous = [
      testCase('adds', 'passed'),
      testCase('totals', 'failed'),
      testCase('rounds', 'errored'),
      testCase('removes', 'failed'),
      testCase('skips', 'skipped'),
      testCase('gone', 'failed'),
    ];
    const current = [
      testCase('adds', 'failed'),
      testCase('totals', 'errored'),
      testCase('rounds', 'passed'),
      testCase('removes', 'skipped'),
      testCase('skips', 'failed'),
      testCase('brand new', 'failed'),
    ];
    const result = compareCases(current, previous);
    expect(names(result.newFailures)).toEqual(['cart/adds', 'cart/skips', 'cart/brand new']);
    expect(names(result.stillFailing)).toEqual(['cart/totals']);
    expect(names(result.fixed)).toEqual(['cart/rounds']);
  });

  it('tells apart cases of the same name in other suites or classes', () => {
    const previous = [
      testCase('adds', 'failed', 'cart'),
      { ...testCase('adds', 'failed'), classname: 'Other' },
    ];
    const current = [testCase('adds', 'passed', 'cart'), testCase('adds', 'failed', 'basket')];
    const result = compareCases(current, previous);
    expect(names(result.fixed)).toEqual(['cart/adds']);
    expect(names(result.newFailures)).toEqual(['basket/adds']);
    expect(result.stillFailing).toEqual([]);
  });

  it('puts every failing case of the run in exactly one of new or still failing', () => {
    const status = fc.constantFrom<RunTestCase['status']>('passed', 'failed', 'errored', 'skipped');
    const run = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), status), { maxLength: 8 });
    fc.assert(
      fc.property(run, run, (now, then) => {
        const current = now.map(([n, s]) => testCase(n, s));
        const previous = then.map(([n, s]) => testCase(n, s));
        const result = compareCases(current, previous);
        const failingNow = current.filter((c) => c.status === 'failed' || c.status === 'errored');
        expect(result.newFailures.length + result.stillFailing.length).toBe(failingNow.length);
        expect(compareCases(current, []).newFailures).toEqual(failingNow);
        for (const c of result.fixed) expect(c.status).toBe('passed');
      }),
    );
  });
});
