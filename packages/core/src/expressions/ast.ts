import type { ExpressionValue } from './expression-value.js';

/** The roots an expression may read from. */
export const ContextName = {
  Params: 'params',
  Trigger: 'trigger',
  Matrix: 'matrix',
  Inputs: 'inputs',
  Tasks: 'tasks',
} as const;
export type ContextName = (typeof ContextName)[keyof typeof ContextName];

export const CONTEXT_NAMES: readonly ContextName[] = Object.values(ContextName);

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/** A node of a parsed expression; `offset` is where it starts in the source. */
export type ExpressionNode =
  | { readonly kind: 'literal'; readonly value: ExpressionValue; readonly offset: number }
  /** `root.a['b'][x]`: a context followed by one or more property keys. */
  | {
      readonly kind: 'path';
      readonly root: ContextName;
      readonly keys: readonly ExpressionNode[];
      readonly offset: number;
    }
  | { readonly kind: 'not'; readonly operand: ExpressionNode; readonly offset: number }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: ExpressionNode;
      readonly right: ExpressionNode;
      readonly offset: number;
    }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly ExpressionNode[];
      readonly offset: number;
    };

/** A parsed expression, ready to evaluate any number of times. */
export interface Expression {
  /** The text the expression was parsed from, without the `${{ }}` around it. */
  readonly source: string;
  /** The syntax tree; read it through the functions of this module. */
  readonly root: ExpressionNode;
}
