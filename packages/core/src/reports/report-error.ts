import { UserError, UserErrorKind } from '../errors/user-error.js';

/** A test report file could not be read; the message names the file and the problem. */
export class ReportError extends UserError {
  override readonly name = 'ReportError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(UserErrorKind.Config, `${file}: ${problem}`);
  }
}
