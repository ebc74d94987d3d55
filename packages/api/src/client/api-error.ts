import type { ErrorBody, ErrorCode, FieldError } from '../schemas/error-body.js';
import type { Diagnostic } from '../schemas/common.js';

/** An error response of the API, with its body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status of the response. */
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.error.message);
  }

  get code(): ErrorCode {
    return this.body.error.code;
  }

  get fields(): readonly FieldError[] {
    return this.body.error.fields ?? [];
  }

  get diagnostics(): readonly Diagnostic[] {
    return this.body.error.diagnostics ?? [];
  }
}

/** True when `error` is an {@link ApiError}, optionally with the given code. */
export function isApiError(error: unknown, code?: ErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
