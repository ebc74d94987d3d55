import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExpressionContext, ExpressionValue } from './index.js';
import {
  ExpressionError,
  evaluateExpression,
  formatLiteral,
  interpolate,
  parseCondition,
  parseExpression,
  parseTemplate,
  valueToString,
} from './index.js';

const ctx: ExpressionContext = {
  params: { version: '1.0', n: 3, on: true },
  trigger: { event: 'push', branch: 'main' },
  matrix: { os: 'linux' },
  inputs: { x: 'y' },
  tasks: { build: { status: 'succeeded', results: { v: '1' } } },
  status: { failed: false, cancelled: false },
};

/** Runs `fn`; anything thrown other than an ExpressionError fails the property. */
const onlyExpressionErrors = (fn: () => unknown): void => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    expect(error.offset).toBeGreaterThanOrEqual(0);
  }
};

const literal = fc.oneof(
  fc.string().map(formatLiteral),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(formatLiteral),
  fc.constantFrom('true', 'false', 'null'),
);
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/);
const path = fc
  .tuple(
    fc.constantFrom('params', 'trigger', 'matrix', 'inputs', 'tasks'),
    fc.array(
      fc.oneof(
        name.map((key) => `.${key}`),
        fc.string({ maxLength: 6 }).map((key) => `[${formatLiteral(key)}]`),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([root, keys]) => root + keys.join(''));

/** Source text of valid expressions, nested a few levels at most. */
const { expression } = fc.letrec<{ expression: string }>((tie) => ({
  expression: fc.oneof(
    { maxDepth: 5, depthSize: 'small' },
    literal,
    path,
    tie('expression').map((e) => `!${e}`),
    tie('expression').map((e) => `(${e})`),
    fc
      .tuple(
        tie('expression'),
        fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '&&', '||'),
        tie('expression'),
      )
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc
      .tuple(
        fc.constantFrom('startsWith', 'endsWith', 'contains'),
        tie('expression'),
        tie('expression'),
      )
      .map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc
      .array(tie('expression'), { maxLength: 3 })
      .map(
        (args) => `format(${[`'${args.map((_, i) => `{${i}}`).join('-')}'`, ...args].join(', ')})`,
      ),
    fc.constantFrom('success()', 'failure()', 'always()', 'cancelled()'),
  ),
}));

/** A valid expression with a few characters deleted, inserted or duplicated. */
const mutated = fc
  .tuple(
    expression,
    fc.array(
      fc.tuple(
        fc.constantFrom('delete', 'insert', 'duplicate'),
        fc.nat(),
        fc.nat({ max: 8 }),
        fc.constantFrom(...`'"()[]{}.,!=<>&|$- \n0aZ_`.split(''), '${{', '}}', "''"),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([source, edits]) =>
    edits.reduce((text, [kind, at, length, piece]) => {
      const i = at % (text.length + 1);
      switch (kind) {
        case 'delete':
          return text.slice(0, i) + text.slice(i + length);
        case 'insert':
          return text.slice(0, i) + piece + text.slice(i);
        case 'duplicate':
          return text.slice(0, i + length) + text.slice(i, i + length) + text.slice(i + length);
      }
    }, source),
  );

const anyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(...`'"()[]{}.,!=<>&|$-_ 0123aZ`.split(''), 'params', '${{', '}}', 'format('),
      {
        maxLength: 60,
      },
    )
    .map((parts) => parts.join('')),
);

describe('parsing never fails in unexpected ways', () => {
  it('parses valid expressions and evaluates them to a value or an ExpressionError', () => {
    fc.assert(
      fc.property(expression, (source) => {
        const expr = parseExpression(source);
        onlyExpressionErrors(() => evaluateExpression(expr, ctx));
        expect(parseCondition(`\${{ ${source} }}`).source).toBe(source);
      }),
    );
  });

  it('parses or rejects mutated expressions with an ExpressionError', () => {
    fc.assert(
      fc.property(mutated, (source) => {
        onlyExpressionErrors(() => evaluateExpression(parseExpression(source), ctx));
        onlyExpressionErrors(() => parseCondition(source));
        onlyExpressionErrors(() => interpolate(parseTemplate(`a\${{ ${source} }}b`), ctx));
      }),
      { numRuns: 500 },
    );
  });

  it('parses or rejects random text with an ExpressionError', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        onlyExpressionErrors(() => parseExpression(text));
        onlyExpressionErrors(() => parseTemplate(text));
        onlyExpressionErrors(() => parseCondition(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('literals round-trip', () => {
  const value = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );

  it('parses a printed literal back to the same value', () => {
    fc.assert(
      fc.property(value, (v: ExpressionValue) => {
        const source = formatLiteral(v);
        fc.pre(source.length <= 4096);
        expect(Object.is(evaluateExpression(parseExpression(source), {}), v)).toBe(true);
        expect(interpolate(parseTemplate(`<\${{ ${source} }}>`), {})).toBe(`<${valueToString(v)}>`);
      }),
    );
  });
});

it('refuses random text quickly', () => {
  const started = performance.now();
  for (const text of ['('.repeat(5000), '!'.repeat(5000), "'".repeat(4096), '${{'.repeat(3000)]) {
    onlyExpressionErrors(() => parseExpression(text));
    onlyExpressionErrors(() => parseTemplate(text));
  }
  expect(performance.now() - started).toBeLessThan(1000);
});
