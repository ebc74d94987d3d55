import type { ErrorCode, FieldError } from '@slipway/api';

/**
 * An error a route answers with on purpose, with its API error code. Errors from core
 * ({@link UserError}) and validation (zod) are mapped by the error handler instead.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: readonly FieldError[],
  ) {
    super(message);
  }
}
