import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MAX_REPORT_SIZE } from './max-report-size.js';
import { ReportError } from './report-error.js';
import type { TestCase, TestReport, TestSuite } from './test-report.js';
import { TestCaseStatus, reportOf, roundMs } from './test-report.js';
import { decodeXmlText } from './xml-text.js';

const ATTRIBUTES = '@';
const TEXT = '#text';
const CDATA = '#cdata';

/**
 * An element as the XML parser returns it: attributes under `@`, text under `#text`,
 * CDATA sections under `#cdata`, and each child tag under its name (one object, or an
 * array when it repeats).
 */
type XmlElement = Readonly<Record<string, unknown>>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: ATTRIBUTES,
  textNodeName: TEXT,
  cdataPropName: CDATA,
  alwaysCreateTextNode: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  removeNSPrefix: true,
  // Entities are decoded by decodeXmlText, which knows CDATA must stay as written; no
  // DOCTYPE entity is ever expanded.
  processEntities: false,
});

/**
 * Reads a JUnit XML report: a `<testsuites>` or `<testsuite>` root, suites nested to any
 * depth, and `<testcase>` elements with `<failure>`, `<error>` or `<skipped>`, as written
 * by jest-junit, mocha, vitest, pytest, Maven Surefire and `node --test`. Counts come from
 * the cases, never from the `tests`/`failures` attributes. Throws {@link ReportError}
 * naming `file` when the text is too large, not well-formed, or not a JUnit report.
 */
export function parseJUnitXml(xml: string, file: string): TestReport {
  if (xml.length > MAX_REPORT_SIZE) {
    const mib = (xml.length / 1024 / 1024).toFixed(1);
    throw new ReportError(file, `the report is ${mib} MiB; reports over 50 MiB are not read`);
  }
  const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;
  if (!text.trim()) throw new ReportError(file, 'the file is empty; expected a JUnit XML report');
  const roots = rootElements(parseXml(text, file));
  const [first] = roots;
  if (!first) throw new ReportError(file, 'the document has no root element');
  const other = roots.find(([tag]) => tag !== 'testsuites' && tag !== 'testsuite');
  if (other) {
    throw new ReportError(
      file,
      `not a JUnit report: the root element is <${other[0]}>, expected <testsuites> or <testsuite>`,
    );
  }
  const suites: TestSuite[] = [];
  for (const [tag, element] of roots) {
    const name = attribute(element, 'name');
    collectSuites(element, name || file, tag === 'testsuite', suites);
  }
  return reportOf(suites);
}

function parseXml(text: string, file: string): XmlElement {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- its successor is a separate package
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw new ReportError(file, `not well-formed XML at line ${line}, column ${col}: ${msg}`);
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ReportError(file, `could not be read as XML: ${message}`);
  }
  return isElement(parsed) ? parsed : {};
}

/** The document's elements (normally one), as [tag, element] pairs. */
function rootElements(document: XmlElement): [string, XmlElement][] {
  return Object.keys(document)
    .filter((tag) => tag !== ATTRIBUTES && tag !== TEXT && tag !== CDATA && !tag.startsWith('?'))
    .flatMap((tag) =>
      children(document, tag).map((element): [string, XmlElement] => [tag, element]),
    );
}

/**
 * Adds to `out` one suite for the cases directly inside `element`, when there are any,
 * and the suites nested in it. `isSuite` is false for a `<testsuites>` container, whose
 * loose cases (`node --test` writes top-level tests so) come after its suites, in a suite
 * named `path`.
 */
function collectSuites(
  element: XmlElement,
  path: string,
  isSuite: boolean,
  out: TestSuite[],
): void {
  const nested = [...children(element, 'testsuite'), ...children(element, 'testsuites')];
  const ownCases = (): void => {
    const caseElements = children(element, 'testcase');
    if (caseElements.length === 0) return;
    const cases = caseElements.map((c) => readCase(c, path));
    const caseTime = cases.reduce((sum, c) => sum + c.durationMs, 0);
    const ownTime = isSuite && nested.length === 0 ? durationMs(element) : undefined;
    out.push({
      name: path,
      tests: cases.length,
      failures: cases.filter((c) => c.status === TestCaseStatus.Failed).length,
      errors: cases.filter((c) => c.status === TestCaseStatus.Errored).length,
      skipped: cases.filter((c) => c.status === TestCaseStatus.Skipped).length,
      durationMs: roundMs(ownTime ?? caseTime),
      cases,
    });
  };
  if (isSuite) ownCases();
  for (const child of nested) {
    const name = attribute(child, 'name');
    const childPath = name ? (isSuite ? `${path} > ${name}` : name) : path;
    collectSuites(child, childPath, true, out);
  }
  if (!isSuite) ownCases();
}

function readCase(element: XmlElement, suite: string): TestCase {
  const [failure] = children(element, 'failure');
  const [error] = children(element, 'error');
  const [skipped] = children(element, 'skipped');
  const [status, outcome] = failure
    ? [TestCaseStatus.Failed, failure]
    : error
      ? [TestCaseStatus.Errored, error]
      : skipped
        ? [TestCaseStatus.Skipped, skipped]
        : [TestCaseStatus.Passed, undefined];
  const testCase: TestCase = {
    suite,
    name: attribute(element, 'name'),
    classname: attribute(element, 'classname'),
    status,
    durationMs: durationMs(element) ?? 0,
  };
  if (!outcome) return testCase;
  const body = textOf(outcome).trim();
  const message =
    attribute(outcome, 'message').trim() ||
    (status === TestCaseStatus.Skipped ? '' : firstLine(body));
  if (message) testCase.message = message;
  if (body) testCase.details = body;
  return testCase;
}

/** The `time` attribute (seconds, sometimes with `,` thousands separators) in milliseconds. */
function durationMs(element: XmlElement): number | undefined {
  const time = attribute(element, 'time').replaceAll(',', '').trim();
  const seconds = time ? Number(time) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? roundMs(seconds * 1000) : undefined;
}

function children(element: XmlElement, tag: string): XmlElement[] {
  const value = Object.hasOwn(element, tag) ? element[tag] : undefined;
  return (Array.isArray(value) ? (value as unknown[]) : [value]).filter(isElement);
}

function attribute(element: XmlElement, name: string): string {
  const attributes = element[ATTRIBUTES];
  if (!isElement(attributes) || !Object.hasOwn(attributes, name)) return '';
  const value = attributes[name];
  return typeof value === 'string' ? decodeXmlText(value) : '';
}

/** The element's own text, entities decoded, followed by its CDATA sections as written. */
function textOf(element: XmlElement): string {
  const own = element[TEXT];
  let text = typeof own === 'string' ? decodeXmlText(own) : '';
  for (const section of children(element, CDATA)) {
    const value = section[TEXT];
    if (typeof value === 'string') text += value;
  }
  return text;
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find(Boolean) ?? ''
  );
}

function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
