import { UserError, UserErrorKind } from '../errors/user-error.js';

/**
 * An expression could not be parsed or evaluated. `offset` is the 0-based position in
 * the source text where the problem is, so callers can turn it into a line and column.
 */
export class ExpressionError extends UserError {
  override readonly name = 'ExpressionError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(UserErrorKind.Config, message);
  }
}
