import { describe, expect, it } from 'vitest';
import { UserError } from '../errors/user-error.js';
import type { ExpressionContext, ExpressionValue } from './index.js';
import {
  ExpressionError,
  evaluateExpression,
  formatLiteral,
  hasExpressions,
  interpolate,
  isTruthy,
  parseCondition,
  parseExpression,
  parseTemplate,
  referencedFunctions,
  referencedPaths,
  valueToString,
} from './index.js';

const ctx: ExpressionContext = {
  params: { version: '1.2.3', deploy: true, replicas: 3, 'node-version': '20', empty: '' },
  trigger: { event: 'push', branch: 'release/2.0', tag: undefined, pr: 42, actor: 'ada' },
  matrix: { os: 'linux', node: 20 },
  inputs: { 'node-version': '22', verbose: false },
  tasks: {
    build: { status: 'succeeded', results: { version: '1.2.3', digest: 'sha256:abc' } },
    'unit-test': { status: 'failed', results: {} },
  },
  status: { failed: false, cancelled: false },
};

const evaluate = (source: string, context: ExpressionContext = ctx): ExpressionValue =>
  evaluateExpression(parseExpression(source), context);

/** The error thrown by `run`, which must be an ExpressionError. */
const expressionError = (run: () => unknown): ExpressionError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
};

describe('literals', () => {
  it.each<[string, ExpressionValue]>([
    ["'hello'", 'hello'],
    ["'it''s'", "it's"],
    ["''", ''],
    ["'${{ not an expression }}'", '${{ not an expression }}'],
    ['42', 42],
    ['-7', -7],
    ['3.25', 3.25],
    ['-0.5', -0.5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['true', true],
    ['false', false],
    ['null', null],
  ])('%s evaluates to %j', (source, value) => {
    expect(evaluate(source)).toBe(value);
  });

  it('formats literals that parse back to the same value', () => {
    for (const value of ["a'b''c", '', 0, -0, 1e21, -1.5e-7, true, false, null]) {
      expect(Object.is(evaluate(formatLiteral(value)), value)).toBe(true);
    }
  });

  it('rejects double-quoted strings with a hint', () => {
    const error = expressionError(() => parseExpression('params.x == "a"'));
    expect(error.message).toContain('single quotes');
    expect(error.offset).toBe(12);
  });

  it('rejects an unterminated string at its opening quote', () => {
    const error = expressionError(() => parseExpression("startsWith(trigger.branch, 'rel)"));
    expect(error.message).toContain('no closing quote');
    expect(error.offset).toBe(27);
  });

  it('rejects malformed numbers and arithmetic', () => {
    expect(expressionError(() => parseExpression('1.2.3')).message).toContain('not a number');
    expect(expressionError(() => parseExpression('12abc')).message).toContain('not a number');
    expect(expressionError(() => parseExpression('params.x - 1')).message).toContain(
      'no arithmetic',
    );
  });
});

describe('property access', () => {
  it.each<[string, ExpressionValue]>([
    ['params.version', '1.2.3'],
    ['params.replicas', 3],
    ['params.deploy', true],
    ['params.node-version', '20'],
    ["params['node-version']", '20'],
    ['inputs.node-version', '22'],
    ['matrix.os', 'linux'],
    ['matrix.node', 20],
    ['trigger.branch', 'release/2.0'],
    ['trigger.pr', 42],
    ['tasks.build.results.version', '1.2.3'],
    ["tasks['unit-test'].status", 'failed'],
    ['tasks.unit-test.status', 'failed'],
    ["tasks.build['results'].digest", 'sha256:abc'],
    ["matrix[params.missing || 'os']", 'linux'],
  ])('%s reads %j', (source, value) => {
    expect(evaluate(source)).toBe(value);
  });

  it('reads missing properties as null', () => {
    expect(evaluate('params.nope')).toBeNull();
    expect(evaluate('trigger.tag')).toBeNull();
    expect(evaluate('tasks.deploy.status')).toBeNull();
    expect(evaluate('tasks.build.results.nope')).toBeNull();
    expect(evaluate('params.version.major')).toBeNull();
  });

  it('never reads inherited properties', () => {
    expect(evaluate('params.constructor')).toBeNull();
    expect(evaluate('params.__proto__')).toBeNull();
    expect(evaluate("tasks.build.results['toString']")).toBeNull();
  });

  it('says when a context is not available', () => {
    const error = expressionError(() => evaluate('tasks.build.status', { params: {} }));
    expect(error.message).toBe('`tasks` is not available here');
  });

  it('refuses a path that names an object rather than a value', () => {
    const error = expressionError(() => evaluate('tasks.build'));
    expect(error.message).toContain('`tasks.build` is not a value');
    expect(error.message).toContain('status, results');
  });

  it('refuses a bare context and unknown names when parsing', () => {
    expect(expressionError(() => parseExpression('params')).message).toContain(
      'name one of its properties',
    );
    const error = expressionError(() => parseExpression('secrets.token'));
    expect(error.message).toContain('unknown name `secrets`');
    expect(error.message).toContain('params, trigger, matrix, inputs, tasks');
  });
});

describe('operators', () => {
  it.each<[string, ExpressionValue]>([
    ["'a' == 'a'", true],
    ["'a' == 'A'", false],
    ["'a' != 'A'", true],
    ['1 == 1.0', true],
    ["3 == '3'", true],
    ["'3.0' == 3", true],
    ["3 == ' 3 '", true],
    ["3 == 'three'", false],
    ["'' == 0", false],
    ['null == null', true],
    ["null == ''", false],
    ['null == false', false],
    ["true == 'true'", false],
    ['true == 1', false],
    ['params.replicas == 3', true],
    ["matrix.node == '20'", true],
    ['1 < 2', true],
    ['2 <= 2', true],
    ["'10' > 9", true],
    ["'b' > 'a'", true],
    ["'B' > 'a'", false],
    ["'abc' >= 'abd'", false],
    ['null < 1', false],
    ['true > false', false],
    ["'x' < 1", false],
    ['!true', false],
    ['!!params.version', true],
    ['!params.empty', true],
    ['true || false && false', true],
    ['(true || false) && false', false],
    ['!false == true', true],
    ['1 < 2 == true', true],
    ["params.empty || 'fallback'", 'fallback'],
    ["params.version && 'yes'", 'yes'],
    ['0 && params.version', 0],
    ["null || ''", ''],
  ])('%s is %j', (source, value) => {
    expect(evaluate(source)).toBe(value);
  });

  it('short-circuits && and ||', () => {
    const noTasks: ExpressionContext = { params: {} };
    expect(evaluate("false && tasks.a.status == 'x'", noTasks)).toBe(false);
    expect(evaluate('true || tasks.a.status', noTasks)).toBe(true);
  });

  it('suggests the right operator for common mistakes', () => {
    expect(expressionError(() => parseExpression("params.a = 'b'")).message).toContain('==');
    expect(expressionError(() => parseExpression('true & false')).message).toContain('&&');
    expect(expressionError(() => parseExpression('true | false')).message).toContain('||');
  });

  it('reports a missing operand or extra input', () => {
    expect(expressionError(() => parseExpression('true &&')).message).toContain('ends too early');
    expect(expressionError(() => parseExpression('(true')).offset).toBe(5);
    const error = expressionError(() => parseExpression('true false'));
    expect(error.message).toContain('after a complete expression');
    expect(error.offset).toBe(5);
    expect(expressionError(() => parseExpression('  ')).message).toContain('empty');
  });
});

describe('functions', () => {
  it.each<[string, ExpressionValue]>([
    ["startsWith(trigger.branch, 'release/')", true],
    ["startsWith(trigger.branch, 'Release/')", false],
    ["startsWith(trigger.tag, 'v')", false],
    ["endsWith(params.version, '.3')", true],
    ["contains(tasks.build.results.digest, 'sha256')", true],
    ["contains('abc', 'd')", false],
    ['contains(params.replicas, 3)', true],
    ["format('{0}-{1}', params.version, matrix.os)", '1.2.3-linux'],
    ["format('{1}{0}{1}', 'a', 'b')", 'bab'],
    ["format('{{0}} is {0}', null)", '{0} is '],
    ["format('no placeholders')", 'no placeholders'],
    ["format('{0}/{1}', true, 2.5)", 'true/2.5'],
    ['success()', true],
    ['failure()', false],
    ['cancelled()', false],
    ['always()', true],
  ])('%s is %j', (source, value) => {
    expect(evaluate(source)).toBe(value);
  });

  it('reads the run status', () => {
    const failed = { ...ctx, status: { failed: true, cancelled: false } };
    expect(evaluate('success()', failed)).toBe(false);
    expect(evaluate('failure()', failed)).toBe(true);
    const cancelled = { ...ctx, status: { failed: false, cancelled: true } };
    expect(evaluate('success()', cancelled)).toBe(false);
    expect(evaluate('cancelled()', cancelled)).toBe(true);
    expect(evaluate('always()', cancelled)).toBe(true);
  });

  it('refuses status functions where there is no status', () => {
    expect(expressionError(() => evaluate('success()', { params: {} })).message).toBe(
      '`success()` is not available here',
    );
    expect(evaluate('always()', {})).toBe(true);
  });

  it('names the known functions when one is unknown', () => {
    const error = expressionError(() => parseExpression("params.x && toUpper('a')"));
    expect(error.message).toContain('unknown function `toUpper`');
    expect(error.message).toContain(
      'startsWith, endsWith, contains, format, success, failure, cancelled, always',
    );
    expect(error.offset).toBe(12);
    expect(expressionError(() => parseExpression('toString()')).message).toContain('unknown');
  });

  it('checks the number of arguments', () => {
    expect(expressionError(() => parseExpression("startsWith('a')")).message).toBe(
      '`startsWith()` takes 2 arguments, not 1',
    );
    expect(expressionError(() => parseExpression('success(true)')).message).toContain(
      'takes 0 arguments',
    );
    expect(expressionError(() => parseExpression('format()')).message).toContain('at least 1');
    expect(expressionError(() => parseExpression("contains('a',)")).message).toContain(
      'expected a value',
    );
  });

  it('checks format patterns when parsing a literal pattern, and when evaluating otherwise', () => {
    expect(expressionError(() => parseExpression("format('{0}-{1}', 'a')")).message).toContain(
      '{1} has no argument',
    );
    expect(expressionError(() => parseExpression("format('{x}')")).message).toContain(
      'placeholders look like {0}',
    );
    expect(expressionError(() => parseExpression("format('a}b')")).message).toContain('}}');
    const pattern = { ...ctx, params: { pattern: '{0}{2}' } };
    expect(
      expressionError(() => evaluate("format(params.pattern, 'a')", pattern)).message,
    ).toContain('{2} has no argument');
  });
});

describe('truthiness and strings', () => {
  it.each<[ExpressionValue, boolean]>([
    [false, false],
    [0, false],
    [-0, false],
    ['', false],
    [null, false],
    [true, true],
    [1, true],
    [-1, true],
    ['0', true],
    ['false', true],
    [' ', true],
  ])('%j is %s', (value, truthy) => {
    expect(isTruthy(value)).toBe(truthy);
  });

  it('turns values into text', () => {
    expect(valueToString(null)).toBe('');
    expect(valueToString(true)).toBe('true');
    expect(valueToString(false)).toBe('false');
    expect(valueToString(1.5)).toBe('1.5');
    expect(valueToString('x')).toBe('x');
  });
});

describe('limits', () => {
  it('refuses sources longer than 4096 characters', () => {
    expect(() => parseExpression(`'${'a'.repeat(4094)}'`)).not.toThrow();
    const error = expressionError(() => parseExpression(`'${'a'.repeat(4095)}'`));
    expect(error.message).toContain('4096 characters');
  });

  it('refuses nesting deeper than 32 levels without overflowing the stack', () => {
    expect(evaluate(`${'('.repeat(32)}true${')'.repeat(32)}`)).toBe(true);
    expect(
      expressionError(() => parseExpression(`${'('.repeat(33)}true${')'.repeat(33)}`)).message,
    ).toContain('deeper than 32');
    expect(expressionError(() => parseExpression(`${'!'.repeat(4000)}true`)).message).toContain(
      'deeper than 32',
    );
    expect(expressionError(() => parseExpression(`${'format('.repeat(40)}'x'`)).offset).toBe(
      32 * 'format('.length + 6,
    );
    expect(
      expressionError(() => parseExpression(`matrix${'[matrix'.repeat(40)}`)).message,
    ).toContain('deeper than 32');
  });

  it('evaluates long flat chains', () => {
    const source = Array.from({ length: 1300 }, () => '0').join('||') + '||1';
    expect(source.length).toBeLessThan(4096);
    expect(evaluate(source)).toBe(1);
  });
});

describe('templates', () => {
  it('splits text and expressions with their offsets', () => {
    const text = 'v${{ params.version }}-${{matrix.os}}!';
    const segments = parseTemplate(text);
    expect(segments.map((s) => ('literal' in s ? s.literal : s.expression.source))).toEqual([
      'v',
      'params.version',
      '-',
      'matrix.os',
      '!',
    ]);
    const offsets = segments.flatMap((s) => ('offset' in s ? [s.offset] : []));
    expect(offsets).toEqual([text.indexOf('params'), text.indexOf('matrix')]);
    expect(interpolate(segments, ctx)).toBe('v1.2.3-linux!');
  });

  it('leaves text without expressions alone', () => {
    expect(parseTemplate('plain $HOME ${x} {{ y }}')).toEqual([
      { literal: 'plain $HOME ${x} {{ y }}' },
    ]);
    expect(parseTemplate('')).toEqual([]);
    expect(hasExpressions('plain $HOME ${x}')).toBe(false);
    expect(hasExpressions('a ${{ params.x }}')).toBe(true);
  });

  it('does not end an expression at }} inside a string', () => {
    const segments = parseTemplate("${{ format('{{{0}}}', 'x') }}}");
    expect(interpolate(segments, ctx)).toBe('{x}}');
  });

  it('writes values as text', () => {
    const text = '${{ params.nope }}|${{ params.deploy }}|${{ params.replicas }}|${{ 0.5 }}';
    expect(interpolate(parseTemplate(text), ctx)).toBe('|true|3|0.5');
  });

  it('reports errors at their place in the whole text', () => {
    const text = 'image:${{ params.tag }}-${{  bogus.x }}';
    const error = expressionError(() => parseTemplate(text));
    expect(error.offset).toBe(text.indexOf('bogus'));
    const unterminated = 'a ${{ params.x';
    expect(expressionError(() => parseTemplate(unterminated)).offset).toBe(2);
    expect(expressionError(() => parseTemplate("x ${{ 'a }}")).message).toContain(
      'no closing `}}`',
    );
    expect(expressionError(() => parseTemplate('x ${{   }}')).message).toContain('empty');
  });
});

describe('conditions', () => {
  it('accepts a bare expression or one ${{ }} around all of it', () => {
    expect(evaluateExpression(parseCondition("trigger.branch == 'release/2.0'"), ctx)).toBe(true);
    expect(evaluateExpression(parseCondition('  ${{ success() && params.deploy }} '), ctx)).toBe(
      true,
    );
    expect(evaluateExpression(parseCondition("contains('${{', '$')"), ctx)).toBe(true);
  });

  it('refuses conditions mixing text and ${{ }}', () => {
    const text = '${{ params.deploy }} && ${{ success() }}';
    const error = expressionError(() => parseCondition(text));
    expect(error.message).toContain('one `${{ }}` around the whole text');
    expect(error.offset).toBe(text.lastIndexOf('success'));
    expect(expressionError(() => parseCondition('${{ params.deploy }} == true')).message).toContain(
      'bare expression',
    );
    expect(
      expressionError(() => parseCondition('params.deploy && ${{ success() }}')).message,
    ).toContain('may only wrap a whole expression');
  });
});

describe('referenced names', () => {
  it('lists each literal property path once', () => {
    const expr = parseExpression(
      "tasks['build'].results.v == params.v && params.v != '' && matrix[params.axis] || tasks.unit-test.status",
    );
    expect(referencedPaths(expr)).toEqual([
      ['tasks', 'build', 'results', 'v'],
      ['params', 'v'],
      ['matrix'],
      ['params', 'axis'],
      ['tasks', 'unit-test', 'status'],
    ]);
  });

  it('lists the functions used', () => {
    const expr = parseExpression(
      "success() && startsWith(format('{0}', trigger.branch), 'x') || success() || failure()",
    );
    expect(referencedFunctions(expr)).toEqual(['success', 'startsWith', 'format', 'failure']);
    expect(referencedFunctions(parseExpression('params.x'))).toEqual([]);
  });
});

it('reports problems as user errors', () => {
  expect(expressionError(() => parseExpression('&&'))).toBeInstanceOf(UserError);
});
