import { z } from 'zod';
import { Diagnostic } from './common.js';

/** The machine-readable kind of an error; the HTTP status follows from it. */
export const ErrorCode = {
  /** The request is malformed or a field is invalid; see `fields`. */
  InvalidRequest: 'invalid_request',
  /** The pipeline could not be loaded or compiled; see `diagnostics`. */
  InvalidPipeline: 'invalid_pipeline',
  /** No bearer token was given. */
  Unauthorized: 'unauthorized',
  /** The bearer token is not valid for this request. */
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  /** The request conflicts with what exists, such as a project name already taken. */
  Conflict: 'conflict',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  /** Something the server needs (its store, git) is not available right now. */
  Unavailable: 'unavailable',
  /** A bug in the server; the message says nothing more. */
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Where an invalid field was found. */
export const FieldLocation = z.enum(['body', 'query', 'path']);
export type FieldLocation = z.infer<typeof FieldLocation>;

/** One invalid field: `path` is dotted within its location (`params.deploy`, `tags[0]`). */
export const FieldError = z.object({
  in: FieldLocation,
  path: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldError>;

/** The body of every error response. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    fields: z.array(FieldError).optional(),
    diagnostics: z.array(Diagnostic).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The HTTP status of each error code. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.InvalidRequest]: 400,
  [ErrorCode.InvalidPipeline]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.Internal]: 500,
};
