import { REPORT_LIMITS } from '@slipway/api';
import { describe, expect, it } from 'vitest';
import type { TestCase, TestReport } from '@slipway/core';
import { fitReport } from './fit-report.js';

function report(cases: TestCase[]): TestReport {
  return {
    suites: [
      {
        name: 'all',
        tests: cases.length,
        failures: 0,
        errors: 0,
        skipped: 0,
        durationMs: 0,
        cases,
      },
    ],
    totals: {
      tests: cases.length,
      passed: cases.length,
      failed: 0,
      errored: 0,
      skipped: 0,
      durationMs: 0,
    },
  };
}

const testCase = (name: string, status: TestCase['status'] = 'passed'): TestCase => ({
  suite: 'all',
  name,
  classname: 'c',
  status,
  durationMs: 0,
});

describe('fitReport', () => {
  it('leaves a report that fits as it is', () => {
    const small = report([testCase('a'), testCase('b', 'failed')]);
    expect(fitReport(small)).toEqual({ report: small, cut: null });
  });

  it('cuts texts over the limits and says so', () => {
    const long = { ...testCase('x', 'failed'), message: 'm'.repeat(REPORT_LIMITS.maxMessage + 10) };
    const { report: fitted, cut } = fitReport(report([long]));
    const message = fitted.suites[0]?.cases[0]?.message ?? '';
    expect(message).toHaveLength(REPORT_LIMITS.maxMessage);
    expect(message.endsWith('… [cut]')).toBe(true);
    expect(cut).toBe('long names, messages or details were cut');
  });

  it('keeps failures and drops passed cases first when there are too many', () => {
    const cases = Array.from({ length: REPORT_LIMITS.maxCases + 5 }, (_, i) =>
      testCase(`t${i}`, i % 1000 === 999 ? 'failed' : 'passed'),
    );
    const { report: fitted, cut } = fitReport(report(cases));
    const kept = fitted.suites[0]?.cases ?? [];
    expect(kept).toHaveLength(REPORT_LIMITS.maxCases);
    expect(kept.filter((c) => c.status === 'failed')).toHaveLength(100);
    expect(fitted.totals.tests).toBe(REPORT_LIMITS.maxCases + 5);
    expect(cut).toContain(`only ${REPORT_LIMITS.maxCases} cases were kept, failures first`);
  });

  it('shortens details, then drops cases, to fit a byte limit', () => {
    const cases = Array.from({ length: 200 }, (_, i) => ({
      ...testCase(`t${i}`, i < 10 ? 'failed' : 'passed'),
      details: 'd'.repeat(30_000),
    }));
    const { report: fitted, cut } = fitReport(report(cases), 512 * 1024);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThan(512 * 1024);
    const kept = fitted.suites[0]?.cases ?? [];
    expect(kept.slice(0, 10).every((c) => c.status === 'failed')).toBe(true);
    expect(kept.every((c) => (c.details ?? '').length <= 4096)).toBe(true);
    expect(cut).toMatch(/details were cut to 4096 characters; only \d+ cases were kept/);
  });
});
