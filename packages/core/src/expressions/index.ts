export type { Expression } from './ast.js';
export { ExpressionError } from './expression-error.js';
export type { ExpressionValue } from './expression-value.js';
export { formatLiteral, isTruthy, valueToString } from './expression-value.js';
export type { ExpressionContext, TaskFacts } from './evaluate-expression.js';
export type { OutcomeFacts } from './functions.js';
export { evaluateExpression } from './evaluate-expression.js';
export {
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
} from './parse-expression.js';
export type { TemplateSegment } from './template.js';
export { hasExpressions, interpolate, parseCondition, parseTemplate } from './template.js';
export { referencedFunctions, referencedPaths } from './referenced-names.js';
