import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors/user-error.js';
import type { TestReport } from './index.js';
import { MAX_REPORT_SIZE, ReportError, TestCaseStatus, mergeReports } from './index.js';
import { parseJUnitXml } from './parse-junit-xml.js';

const JEST_JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="4" failures="1" errors="0" time="1.234">
  <testsuite name="Calculator" errors="0" failures="1" skipped="1" timestamp="2024-03-01T10:00:00" time="0.812" tests="3">
    <testcase classname="Calculator adds numbers" name="Calculator adds numbers" time="0.003">
    </testcase>
    <testcase classname="Calculator divides" name="Calculator divides" time="0.004">
      <failure>Error: expect(received).toBe(expected) // Object.is equality

Expected: 2
Received: 3
    at Object.&lt;anonymous&gt; (/home/ci/app/src/calc.test.js:9:22)</failure>
    </testcase>
    <testcase classname="Calculator rounds" name="Calculator rounds" time="0">
      <skipped/>
    </testcase>
  </testsuite>
  <testsuite name="api/client.test.ts" errors="0" failures="0" skipped="0" timestamp="2024-03-01T10:00:01" time="0.2" tests="1">
    <testcase classname="client retries" name="client retries" time="0.15">
    </testcase>
  </testsuite>
</testsuites>
`;

const MOCHA = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Mocha Tests" time="0.0210" tests="3" failures="1">
  <testsuite name="Root Suite" timestamp="2024-03-01T10:00:00" tests="0" time="0.0000" failures="0">
  </testsuite>
  <testsuite name="Array" timestamp="2024-03-01T10:00:00" tests="3" file="/home/ci/app/test/array.spec.js" time="0.0180" failures="1">
    <testcase name="Array #indexOf() returns -1 when missing" time="0.0010" classname="returns -1 when missing">
    </testcase>
    <testcase name="Array #indexOf() finds the index" time="0.0020" classname="finds the index">
      <failure message="expected 1 to equal 2" type="AssertionError"><![CDATA[AssertionError: expected 1 to equal 2
    at Context.<anonymous> (test/array.spec.js:12:14) & more]]></failure>
    </testcase>
    <testcase name="Array #map() is pending" time="0.0000" classname="is pending">
      <skipped/>
    </testcase>
  </testsuite>
</testsuites>
`;

const VITEST = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="5" failures="2" errors="0" time="0.007683712">
    <testsuite name="src/sample.test.ts" timestamp="2026-01-26T12:25:15.985Z" hostname="ci" tests="5" failures="2" errors="0" skipped="2" time="0.007683712">
        <testcase classname="src/sample.test.ts" name="parser &gt; works" time="0.002335144">
            <system-out>
hello from stdout

            </system-out>
        </testcase>
        <testcase classname="src/sample.test.ts" name="parser &gt; fails" time="0.004073633">
            <failure message="expected { a: 1 } to deeply equal { a: 2 }" type="AssertionError">
AssertionError: expected { a: 1 } to deeply equal { a: 2 }

- Expected
+ Received

  {
-   &quot;a&quot;: 2,
+   &quot;a&quot;: 1,
  }

 ❯ src/sample.test.ts:4:40
            </failure>
        </testcase>
        <testcase classname="src/sample.test.ts" name="parser &gt; skipped" time="0">
            <skipped/>
        </testcase>
        <testcase classname="src/sample.test.ts" name="parser &gt; later" time="0">
            <skipped/>
        </testcase>
        <testcase classname="src/sample.test.ts" name="parser &gt; deep &gt; throws" time="0.000369985">
            <failure message="boom &lt;x&gt;" type="Error">
Error: boom &lt;x&gt;
 ❯ src/sample.test.ts:7:55
            </failure>
        </testcase>
    </testsuite>
</testsuites>
`;

const PYTEST = `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5" time="0.023" timestamp="2026-01-26T12:25:19.827422+00:00" hostname="ci"><testcase classname="test_sample" name="test_passes" time="0.000" /><testcase classname="test_sample" name="test_fails" time="0.000"><failure message="AssertionError: lists differ&#10;assert [1, 2] == [1, 3]&#10;  &#10;  At index 1 diff: 2 != 3&#10;  Use -v to get more diff">def test_fails():
&gt;       assert [1, 2] == [1, 3], "lists differ"
E       AssertionError: lists differ
E       assert [1, 2] == [1, 3]

test_sample.py:8: AssertionError</failure></testcase><testcase classname="test_sample" name="test_skipped" time="0.000"><skipped type="pytest.skip" message="not on this platform">/home/ci/app/test_sample.py:10: not on this platform</skipped></testcase><testcase classname="test_sample" name="test_errors" time="0.000"><error message="failed on setup with &quot;RuntimeError: fixture exploded&quot;">@pytest.fixture
    def broken():
&gt;       raise RuntimeError("fixture exploded")
E       RuntimeError: fixture exploded

test_sample.py:16: RuntimeError</error></testcase><testcase classname="test_sample.TestGroup" name="test_method" time="0.000" /></testsuite></testsuites>`;

const SUREFIRE = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" version="3.0" name="com.example.CalculatorTest" time="1,204.5" tests="4" errors="1" skipped="1" failures="1">
  <properties>
    <property name="java.version" value="17.0.9"/>
    <property name="user.dir" value="/home/ci/project"/>
  </properties>
  <testcase name="addsNumbers" classname="com.example.CalculatorTest" time="0.002"/>
  <testcase name="dividesByZero" classname="com.example.CalculatorTest" time="0.011">
    <failure message="expected: &lt;0&gt; but was: &lt;1&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: expected: <0> but was: <1>
	at org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)
	at com.example.CalculatorTest.dividesByZero(CalculatorTest.java:21)
]]></failure>
    <system-out><![CDATA[computing...
]]></system-out>
  </testcase>
  <testcase name="parsesInput" classname="com.example.CalculatorTest" time="0.001">
    <error message="For input string: &quot;x&quot;" type="java.lang.NumberFormatException"><![CDATA[java.lang.NumberFormatException: For input string: "x"
	at java.base/java.lang.Integer.parseInt(Integer.java:661)
]]></error>
  </testcase>
  <testcase name="slowPath" classname="com.example.CalculatorTest" time="0">
    <skipped message="Disabled until the cluster is back"/>
  </testcase>
  <testcase name="flakyNetwork" classname="com.example.CalculatorTest" time="0.003">
    <flakyFailure message="Connection reset" type="java.net.SocketException">
      <stackTrace>java.net.SocketException: Connection reset</stackTrace>
    </flakyFailure>
  </testcase>
</testsuite>
`;

const NODE = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testsuite name="math" time="0.002055" disabled="0" errors="0" tests="3" failures="1" skipped="0" hostname="ci">
		<testcase name="adds" time="0.000435" classname="test"/>
		<testcase name="fails" time="0.000732" classname="test" failure="Expected values to be strictly equal:1 !== 2">
			<failure type="testCodeFailure" message="Expected values to be strictly equal:1 !== 2">
Error [ERR_TEST_FAILURE]: Expected values to be strictly equal:

1 !== 2

    at async Promise.all (index 0) {
  code: 'ERR_TEST_FAILURE',
  failureType: 'testCodeFailure',
  cause: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
      at TestContext.&lt;anonymous> (file:///home/ci/app/sample.test.mjs:5:28)
}
			</failure>
		</testcase>
		<testsuite name="nested" time="0.000199" disabled="0" errors="0" tests="1" failures="0" skipped="0" hostname="ci">
			<testcase name="deep" time="0.000124" classname="test"/>
		</testsuite>
	</testsuite>
	<testcase name="top level" time="0.000971" classname="test"/>
	<testcase name="skipped" time="0.000070" classname="test">
		<skipped type="skipped" message="not today"/>
	</testcase>
	<testcase name="todo" time="0.000108" classname="test">
		<skipped type="todo" message="true"/>
	</testcase>
	<!-- tests 6 -->
	<!-- pass 3 -->
	<!-- fail 1 -->
	<!-- duration_ms 74.6557 -->
</testsuites>
`;

const statuses = (report: TestReport) =>
  report.suites.flatMap((s) => s.cases.map((c) => `${s.name} / ${c.name}: ${c.status}`));

/** The error thrown by `run`, which must be a ReportError. */
const reportError = (run: () => unknown): ReportError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportError);
    return error as ReportError;
  }
  throw new Error('expected a ReportError');
};

describe('parseJUnitXml', () => {
  it('reads jest-junit reports, taking the message of a bare <failure> from its first line', () => {
    const report = parseJUnitXml(JEST_JUNIT, 'reports/jest.xml');
    expect(statuses(report)).toEqual([
      'Calculator / Calculator adds numbers: passed',
      'Calculator / Calculator divides: failed',
      'Calculator / Calculator rounds: skipped',
      'api/client.test.ts / client retries: passed',
    ]);
    const failed = report.suites[0]?.cases[1];
    expect(failed?.message).toBe('Error: expect(received).toBe(expected) // Object.is equality');
    expect(failed?.details).toContain('at Object.<anonymous> (/home/ci/app/src/calc.test.js:9:22)');
    expect(report.suites[0]?.cases[0]).toEqual({
      suite: 'Calculator',
      name: 'Calculator adds numbers',
      classname: 'Calculator adds numbers',
      status: 'passed',
      durationMs: 3,
    });
    expect(report.totals).toEqual({
      tests: 4,
      passed: 2,
      failed: 1,
      errored: 0,
      skipped: 1,
      durationMs: 1012,
    });
  });

  it('reads mocha reports, keeping CDATA as written and leaving out empty suites', () => {
    const report = parseJUnitXml(MOCHA, 'mocha.xml');
    expect(report.suites.map((s) => s.name)).toEqual(['Array']);
    const failed = report.suites[0]?.cases[1];
    expect(failed?.status).toBe(TestCaseStatus.Failed);
    expect(failed?.message).toBe('expected 1 to equal 2');
    expect(failed?.details).toBe(
      'AssertionError: expected 1 to equal 2\n    at Context.<anonymous> (test/array.spec.js:12:14) & more',
    );
    expect(report.totals).toMatchObject({ tests: 3, passed: 1, failed: 1, skipped: 1 });
  });

  it('reads vitest reports with decoded names and messages', () => {
    const report = parseJUnitXml(VITEST, 'vitest.xml');
    expect(statuses(report)).toEqual([
      'src/sample.test.ts / parser > works: passed',
      'src/sample.test.ts / parser > fails: failed',
      'src/sample.test.ts / parser > skipped: skipped',
      'src/sample.test.ts / parser > later: skipped',
      'src/sample.test.ts / parser > deep > throws: failed',
    ]);
    const throws = report.suites[0]?.cases[4];
    expect(throws?.message).toBe('boom <x>');
    expect(throws?.details).toBe('Error: boom <x>\n ❯ src/sample.test.ts:7:55');
    expect(report.suites[0]?.durationMs).toBe(7.684);
  });

  it('reads pytest reports, telling failures from errors', () => {
    const report = parseJUnitXml(PYTEST, 'pytest.xml');
    expect(statuses(report)).toEqual([
      'pytest / test_passes: passed',
      'pytest / test_fails: failed',
      'pytest / test_skipped: skipped',
      'pytest / test_errors: errored',
      'pytest / test_method: passed',
    ]);
    const [, fails, skipped, errors, method] = report.suites[0]?.cases ?? [];
    expect(fails?.message).toBe(
      'AssertionError: lists differ\nassert [1, 2] == [1, 3]\n  \n  At index 1 diff: 2 != 3\n  Use -v to get more diff',
    );
    expect(skipped?.message).toBe('not on this platform');
    expect(errors?.message).toBe('failed on setup with "RuntimeError: fixture exploded"');
    expect(errors?.details).toContain('E       RuntimeError: fixture exploded');
    expect(method?.classname).toBe('test_sample.TestGroup');
    expect(report.totals).toMatchObject({ tests: 5, passed: 2, failed: 1, errored: 1, skipped: 1 });
    expect(report.totals.durationMs).toBe(23);
  });

  it('reads Surefire reports with a single <testsuite> root', () => {
    const report = parseJUnitXml(SUREFIRE, 'target/surefire-reports/TEST-CalculatorTest.xml');
    expect(statuses(report)).toEqual([
      'com.example.CalculatorTest / addsNumbers: passed',
      'com.example.CalculatorTest / dividesByZero: failed',
      'com.example.CalculatorTest / parsesInput: errored',
      'com.example.CalculatorTest / slowPath: skipped',
      'com.example.CalculatorTest / flakyNetwork: passed',
    ]);
    const [, failed, errored, skipped] = report.suites[0]?.cases ?? [];
    expect(failed?.message).toBe('expected: <0> but was: <1>');
    expect(failed?.details).toMatch(/^org\.opentest4j\.AssertionFailedError: expected: <0> but/);
    expect(errored?.message).toBe('For input string: "x"');
    expect(skipped?.message).toBe('Disabled until the cluster is back');
    expect(skipped?.details).toBeUndefined();
    expect(report.suites[0]?.durationMs).toBe(1_204_500);
  });

  it('reads node --test reports: nested suites by path, top-level tests under the file', () => {
    const report = parseJUnitXml(NODE, 'node-junit.xml');
    expect(statuses(report)).toEqual([
      'math / adds: passed',
      'math / fails: failed',
      'math > nested / deep: passed',
      'node-junit.xml / top level: passed',
      'node-junit.xml / skipped: skipped',
      'node-junit.xml / todo: skipped',
    ]);
    expect(report.suites[0]).toMatchObject({ tests: 2, failures: 1, durationMs: 1.167 });
    expect(report.suites[1]).toMatchObject({ tests: 1, durationMs: 0.199 });
    expect(report.suites[0]?.cases[1]?.details).toContain('TestContext.<anonymous>');
  });

  it('counts from the cases, not from attributes', () => {
    const xml = `<testsuite name="liar" tests="100" failures="0" errors="7" skipped="3" time="1">
      <testcase name="a"><failure message="no"/></testcase>
      <testcase name="b"/>
    </testsuite>`;
    const [suite] = parseJUnitXml(xml, 'liar.xml').suites;
    expect(suite).toMatchObject({ tests: 2, failures: 1, errors: 0, skipped: 0, durationMs: 1000 });
  });

  it('tolerates missing and odd attributes', () => {
    const xml = `<testsuites><testsuite><testcase time="abc"/><testcase time="-1" name="n"/></testsuite></testsuites>`;
    const report = parseJUnitXml(xml, 'odd.xml');
    expect(report.suites[0]?.name).toBe('odd.xml');
    expect(report.suites[0]?.cases.map((c) => [c.name, c.classname, c.durationMs])).toEqual([
      ['', '', 0],
      ['n', '', 0],
    ]);
  });

  it('reads an empty <testsuites> as an empty report', () => {
    expect(parseJUnitXml('\uFEFF<?xml version="1.0"?>\n<testsuites/>\n', 'empty.xml')).toEqual({
      suites: [],
      totals: { tests: 0, passed: 0, failed: 0, errored: 0, skipped: 0, durationMs: 0 },
    });
  });

  it('never expands entities declared in the document', () => {
    const xml = `<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
      <testsuite name="x"><testcase name="&b; &amp;#10;"/></testsuite>`;
    expect(parseJUnitXml(xml, 'entities.xml').suites[0]?.cases[0]?.name).toBe('&b; &#10;');
  });

  it('explains malformed XML with the file and position', () => {
    const error = reportError(() =>
      parseJUnitXml('<testsuite name="a">\n  <testcase name="b">\n</testsuite>', 'out/junit.xml'),
    );
    expect(error.message).toMatch(/^out\/junit\.xml: not well-formed XML at line 3, column \d+: /);
    expect(error.kind).toBe('config');
    expect(error.file).toBe('out/junit.xml');
  });

  it('refuses documents that are not JUnit reports', () => {
    expect(reportError(() => parseJUnitXml('<html><body>502</body></html>', 'r.xml')).message).toBe(
      'r.xml: not a JUnit report: the root element is <html>, expected <testsuites> or <testsuite>',
    );
    expect(reportError(() => parseJUnitXml('  \n', 'r.xml')).message).toContain('empty');
    expect(reportError(() => parseJUnitXml('{"tests": 3}', 'r.json')).message).toContain(
      'not well-formed XML',
    );
  });

  it('refuses reports over the size limit', () => {
    const huge = '<testsuite>' + ' '.repeat(MAX_REPORT_SIZE) + '</testsuite>';
    expect(reportError(() => parseJUnitXml(huge, 'big.xml')).message).toBe(
      'big.xml: the report is 50.0 MiB; reports over 50 MiB are not read',
    );
  });

  it('turns anything else the XML reader refuses into a ReportError', () => {
    const deep = '<testsuite>'.repeat(150) + '</testsuite>'.repeat(150);
    expect(reportError(() => parseJUnitXml(deep, 'deep.xml')).message).toContain('deep.xml: ');
    const reserved = '<testsuite name="x" constructor="y"><__proto__/></testsuite>';
    expect(reportError(() => parseJUnitXml(reserved, 'proto.xml')).message).toContain('proto.xml');
  });

  it('produces a report or a UserError for any text', () => {
    const xmlish = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            '<testsuites>',
            '</testsuites>',
            '<testsuite name="s">',
            '</testsuite>',
            '<testcase name="c" time="0.1">',
            '</testcase>',
            '<testcase/>',
            '<failure message="m">',
            '</failure>',
            '<skipped/>',
            '<error/>',
            '<![CDATA[x]]>',
            '&amp;',
            '&#10;',
            '<?xml version="1.0"?>',
            '<!-- c -->',
          ),
          fc.string({ maxLength: 5 }),
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), xmlish), (text) => {
        try {
          const report = parseJUnitXml(text, 'random.xml');
          expect(report.totals.tests).toBe(report.suites.reduce((n, s) => n + s.cases.length, 0));
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('mergeReports', () => {
  it('keeps every suite and adds up the totals', () => {
    const merged = mergeReports([
      parseJUnitXml(PYTEST, 'a.xml'),
      parseJUnitXml(SUREFIRE, 'b.xml'),
      parseJUnitXml(NODE, 'c.xml'),
    ]);
    expect(merged.suites.map((s) => s.name)).toEqual([
      'pytest',
      'com.example.CalculatorTest',
      'math',
      'math > nested',
      'c.xml',
    ]);
    expect(merged.totals).toEqual({
      tests: 16,
      passed: 7,
      failed: 3,
      errored: 2,
      skipped: 4,
      durationMs: 1_204_525.515,
    });
  });

  it('merges nothing into an empty report', () => {
    expect(mergeReports([]).totals.tests).toBe(0);
  });
});
