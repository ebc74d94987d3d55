import { ExpressionError } from './expression-error.js';

export type Operator =
  '(' | ')' | '[' | ']' | '.' | ',' | '!' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

export type Token =
  | { readonly kind: 'string'; readonly value: string; readonly offset: number }
  | { readonly kind: 'number'; readonly value: number; readonly offset: number }
  | { readonly kind: 'identifier'; readonly value: string; readonly offset: number }
  | { readonly kind: 'operator'; readonly value: Operator; readonly offset: number }
  | { readonly kind: 'end'; readonly offset: number };

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NUMBER_TAIL = /[A-Za-z0-9_.]/;
const WHITESPACE = /[ \t\r\n]/;
const OPERATORS: readonly Operator[] = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  '!',
  '<',
  '>',
];

/** Mistakes people make often, with what to write instead. */
const HINTS: Readonly<Record<string, string>> = {
  '"': "strings use single quotes, such as 'text'",
  '=': 'use == to compare',
  '&': 'use && for "and"',
  '|': 'use || for "or"',
  '-': 'there is no arithmetic; "-" may only start a negative number',
  $: '`${{ }}` may only wrap a whole expression, not appear inside one',
};

/** Splits expression source into tokens, ending with an `end` token. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (WHITESPACE.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      const [value, end] = readString(source, i);
      tokens.push({ kind: 'string', value, offset: i });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source);
    if (number) {
      const end = i + number[0].length;
      const value = Number(number[0]);
      if (NUMBER_TAIL.test(source.charAt(end))) {
        throw new ExpressionError(`"${number[0]}${source.charAt(end)}" is not a number`, i);
      }
      if (!Number.isFinite(value)) {
        throw new ExpressionError(`${number[0]} is too large for a number`, i);
      }
      tokens.push({ kind: 'number', value, offset: i });
      i = end;
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const identifier = IDENTIFIER.exec(source);
    if (identifier) {
      tokens.push({ kind: 'identifier', value: identifier[0], offset: i });
      i += identifier[0].length;
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator) {
      tokens.push({ kind: 'operator', value: operator, offset: i });
      i += operator.length;
      continue;
    }
    const hint = HINTS[c];
    const shown = JSON.stringify(String.fromCodePoint(source.codePointAt(i) ?? 0));
    throw new ExpressionError(`unexpected ${shown}${hint ? `: ${hint}` : ''}`, i);
  }
  tokens.push({ kind: 'end', offset: source.length });
  return tokens;
}

/** Reads the string literal starting at `start` (a quote); returns its value and end. */
function readString(source: string, start: number): [string, number] {
  let value = '';
  let i = start + 1;
  for (;;) {
    const close = source.indexOf("'", i);
    if (close < 0) throw new ExpressionError('this string has no closing quote', start);
    value += source.slice(i, close);
    if (source.charAt(close + 1) !== "'") return [value, close + 1];
    value += "'";
    i = close + 2;
  }
}
