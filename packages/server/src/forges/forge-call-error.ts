import { UserError, UserErrorKind } from '@slipway/core';

/**
 * A forge API call that failed for good: a 4xx answer (never retried), or a server
 * error, 429 or network failure that lasted through every retry. The message names the
 * call and what to check.
 */
export class ForgeCallError extends UserError {
  override readonly name = 'ForgeCallError';
  constructor(
    message: string,
    /** The HTTP status of the last answer; null when no answer came (network, timeout). */
    readonly status: number | null,
    /** True when a later try may work (server error, 429, network). */
    readonly transient: boolean,
  ) {
    super(UserErrorKind.Environment, message);
  }
}
