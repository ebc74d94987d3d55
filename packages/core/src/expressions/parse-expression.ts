import type { BinaryOperator, ContextName, Expression, ExpressionNode } from './ast.js';
import { CONTEXT_NAMES } from './ast.js';
import { ExpressionError } from './expression-error.js';
import { compileFormat } from './format-string.js';
import { FUNCTION_NAMES, findFunction, missingArgument } from './functions.js';
import type { Operator, Token } from './tokenize.js';
import { tokenize } from './tokenize.js';

/** Longest expression source accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Deepest nesting of parentheses, `!`, calls and `[ ]` accepted. */
export const MAX_EXPRESSION_DEPTH = 32;

const KEYWORDS: Readonly<Record<string, boolean | null>> = { true: true, false: false, null: null };

/**
 * Parses one expression (the text inside `${{ }}`, or a bare `when` condition).
 * Throws {@link ExpressionError} with the offset of the first problem.
 */
export function parseExpression(source: string): Expression {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(
      `expressions are limited to ${MAX_EXPRESSION_LENGTH} characters (this one has ${source.length})`,
      MAX_EXPRESSION_LENGTH,
    );
  }
  const parser = new Parser(tokenize(source));
  return { source, root: parser.parseAll() };
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): ExpressionNode {
    if (this.peek().kind === 'end') throw new ExpressionError('the expression is empty', 0);
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') {
      throw new ExpressionError(
        `unexpected ${describe(next)} after a complete expression`,
        next.offset,
      );
    }
    return node;
  }

  private parseOr(): ExpressionNode {
    return this.parseBinary(['||'], () => this.parseAnd());
  }

  private parseAnd(): ExpressionNode {
    return this.parseBinary(['&&'], () => this.parseEquality());
  }

  private parseEquality(): ExpressionNode {
    return this.parseBinary(['==', '!='], () => this.parseComparison());
  }

  private parseComparison(): ExpressionNode {
    return this.parseBinary(['<', '<=', '>', '>='], () => this.parseUnary());
  }

  private parseBinary(
    operators: readonly BinaryOperator[],
    operand: () => ExpressionNode,
  ): ExpressionNode {
    let left = operand();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'operator' || !isOneOf(token.value, operators)) return left;
      this.index++;
      const right = operand();
      left = { kind: 'binary', operator: token.value, left, right, offset: left.offset };
    }
  }

  private parseUnary(): ExpressionNode {
    const token = this.peek();
    if (token.kind === 'operator' && token.value === '!') {
      this.index++;
      const operand = this.nested(token, () => this.parseUnary());
      return { kind: 'not', operand, offset: token.offset };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): ExpressionNode {
    const token = this.next();
    switch (token.kind) {
      case 'string':
      case 'number':
        return { kind: 'literal', value: token.value, offset: token.offset };
      case 'identifier':
        return this.parseName(token);
      case 'operator':
        if (token.value === '(') {
          const inner = this.nested(token, () => this.parseOr());
          this.expect(')', 'to close "("');
          return inner;
        }
        throw new ExpressionError(`expected a value but found ${describe(token)}`, token.offset);
      case 'end':
        throw new ExpressionError('the expression ends too early', token.offset);
    }
  }

  private parseName(token: Token & { kind: 'identifier' }): ExpressionNode {
    const name = token.value;
    if (this.isOperator('(')) return this.parseCall(token);
    if (Object.hasOwn(KEYWORDS, name)) {
      return { kind: 'literal', value: KEYWORDS[name] ?? null, offset: token.offset };
    }
    const root = CONTEXT_NAMES.find((c) => c === name);
    if (!root) {
      throw new ExpressionError(
        `unknown name \`${name}\`; expressions read from ${CONTEXT_NAMES.join(', ')}`,
        token.offset,
      );
    }
    return this.parsePath(root, token.offset);
  }

  private parsePath(root: ContextName, offset: number): ExpressionNode {
    const keys: ExpressionNode[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'operator') break;
      if (token.value === '.') {
        this.index++;
        const key = this.next();
        if (key.kind !== 'identifier') {
          throw new ExpressionError(
            `expected a property name after "." but found ${describe(key)}; use ['...'] for other names`,
            key.offset,
          );
        }
        keys.push({ kind: 'literal', value: key.value, offset: key.offset });
      } else if (token.value === '[') {
        this.index++;
        keys.push(this.nested(token, () => this.parseOr()));
        this.expect(']', 'to close "["');
      } else {
        break;
      }
    }
    if (keys.length === 0) {
      throw new ExpressionError(
        `\`${root}\` is a context, not a value; name one of its properties, such as \`${root}.name\``,
        offset,
      );
    }
    return { kind: 'path', root, keys, offset };
  }

  private parseCall(token: Token & { kind: 'identifier' }): ExpressionNode {
    const name = token.value;
    const spec = findFunction(name);
    if (!spec) {
      throw new ExpressionError(
        `unknown function \`${name}\`; the functions are ${FUNCTION_NAMES.join(', ')}`,
        token.offset,
      );
    }
    const open = this.next();
    const args: ExpressionNode[] = [];
    if (!this.isOperator(')')) {
      for (;;) {
        args.push(this.nested(open, () => this.parseOr()));
        if (!this.isOperator(',')) break;
        this.index++;
      }
    }
    this.expect(')', `to close the arguments of \`${name}()\``);
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const wanted =
        spec.minArgs === spec.maxArgs
          ? `${spec.minArgs} argument${spec.minArgs === 1 ? '' : 's'}`
          : `at least ${spec.minArgs} argument${spec.minArgs === 1 ? '' : 's'}`;
      throw new ExpressionError(`\`${name}()\` takes ${wanted}, not ${args.length}`, token.offset);
    }
    const [pattern] = args;
    if (name === 'format' && pattern?.kind === 'literal' && typeof pattern.value === 'string') {
      checkFormat(pattern.value, args.length - 1, pattern.offset);
    }
    return { kind: 'call', name, args, offset: token.offset };
  }

  /** Runs `parse` one level deeper, refusing to go past the depth limit. */
  private nested<T>(at: Token, parse: () => T): T {
    if (this.depth >= MAX_EXPRESSION_DEPTH) {
      throw new ExpressionError(
        `the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`,
        at.offset,
      );
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private expect(operator: Operator, why: string): void {
    const token = this.next();
    if (token.kind !== 'operator' || token.value !== operator) {
      throw new ExpressionError(
        `expected "${operator}" ${why} but found ${describe(token)}`,
        token.offset,
      );
    }
  }

  private isOperator(operator: Operator): boolean {
    const token = this.peek();
    return token.kind === 'operator' && token.value === operator;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.endToken();
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private endToken(): Token {
    return { kind: 'end', offset: this.tokens.at(-1)?.offset ?? 0 };
  }
}

function checkFormat(pattern: string, argCount: number, offset: number): void {
  const parts = compileFormat(pattern);
  if (typeof parts === 'string') throw new ExpressionError(parts, offset);
  for (const part of parts) {
    if (typeof part === 'number' && part >= argCount) {
      throw new ExpressionError(missingArgument(part, argCount), offset);
    }
  }
}

function isOneOf<T extends string>(value: string, options: readonly T[]): value is T {
  return (options as readonly string[]).includes(value);
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${token.value}`;
    case 'identifier':
      return `\`${token.value}\``;
    case 'operator':
      return `"${token.value}"`;
    case 'end':
      return 'the end of the expression';
  }
}
