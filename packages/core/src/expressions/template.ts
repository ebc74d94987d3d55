import type { Expression } from './ast.js';
import type { ExpressionContext } from './evaluate-expression.js';
import { evaluateExpression } from './evaluate-expression.js';
import { ExpressionError } from './expression-error.js';
import { valueToString } from './expression-value.js';
import { parseExpression } from './parse-expression.js';

/**
 * A piece of a template string: literal text, or an expression whose source starts at
 * `offset` in the template text.
 */
export type TemplateSegment =
  { readonly literal: string } | { readonly expression: Expression; readonly offset: number };

const OPEN = '${{';
const CLOSE = '}}';

/** True when `text` contains `${{`, that is when it needs {@link parseTemplate}. */
export function hasExpressions(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * Splits `"v${{ params.x }}-y"` into literal and expression segments. A `}}` inside a
 * quoted string does not end the expression. Throws {@link ExpressionError} with an
 * offset into `text`.
 */
export function parseTemplate(text: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let literal = '';
  let i = 0;
  for (;;) {
    const open = text.indexOf(OPEN, i);
    if (open < 0) break;
    literal += text.slice(i, open);
    const close = findClose(text, open + OPEN.length);
    if (close < 0) throw new ExpressionError('this `${{` has no closing `}}`', open);
    const inner = text.slice(open + OPEN.length, close);
    const source = inner.trim();
    if (!source) throw new ExpressionError('`${{ }}` is empty', open);
    const offset = open + OPEN.length + (inner.length - inner.trimStart().length);
    if (literal) segments.push({ literal });
    literal = '';
    segments.push({ expression: parseShifted(source, offset), offset });
    i = close + CLOSE.length;
  }
  literal += text.slice(i);
  if (literal) segments.push({ literal });
  return segments;
}

/**
 * Evaluates each expression and joins the pieces: `null` becomes `''`, `true` becomes
 * `'true'`, numbers are written as `String(n)`.
 */
export function interpolate(segments: readonly TemplateSegment[], ctx: ExpressionContext): string {
  let out = '';
  for (const segment of segments) {
    out +=
      'literal' in segment
        ? segment.literal
        : valueToString(evaluateExpression(segment.expression, ctx));
  }
  return out;
}

/**
 * Parses a `when` condition: a bare expression (`success() && params.deploy`), or exactly
 * one `${{ }}` around the whole text. Error offsets are into `text`.
 */
export function parseCondition(text: string): Expression {
  if (!text.trimStart().startsWith(OPEN)) return parseExpression(text);
  const segments = parseTemplate(text);
  const expressions = segments.filter((s) => 'expression' in s);
  const [only] = expressions;
  const extra = segments.find((s) => 'literal' in s && s.literal.trim() !== '');
  if (!only || expressions.length > 1 || extra) {
    const second = expressions[1];
    throw new ExpressionError(
      'a condition is either a bare expression or one `${{ }}` around the whole text',
      second ? second.offset : text.indexOf(CLOSE) + CLOSE.length,
    );
  }
  return only.expression;
}

/** Index of the `}}` closing an expression that starts at `from`, or -1. */
function findClose(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return -1;
      i = end + 1;
    } else if (c === '}' && text.charAt(i + 1) === '}') {
      return i;
    } else {
      i++;
    }
  }
  return -1;
}

function parseShifted(source: string, offset: number): Expression {
  try {
    return parseExpression(source);
  } catch (error) {
    if (error instanceof ExpressionError) {
      throw new ExpressionError(error.message, error.offset + offset);
    }
    throw error;
  }
}
