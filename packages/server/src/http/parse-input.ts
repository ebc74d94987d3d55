import { ErrorCode, type FieldError, type FieldLocation } from '@slipway/api';
import { formatKeyPath } from '@slipway/core';
import type { z } from 'zod';
import { HttpError } from './http-error.js';

/** Parses part of a request with its schema; an invalid value is a 400 naming each field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: FieldLocation,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidInput(parsed.error, location);
}

/** The 400 error for a failed validation. */
export function invalidInput(error: z.ZodError, location: FieldLocation): HttpError {
  const fields: FieldError[] = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        in: location,
        path: formatKeyPath([...issue.path, key]),
        message: 'unknown field',
      }));
    }
    return [{ in: location, path: formatKeyPath(issue.path), message: issue.message }];
  });
  const where = location === 'path' ? 'path' : location === 'query' ? 'query string' : 'body';
  const first = fields[0];
  const summary = first
    ? `${first.path || where}: ${first.message}${fields.length > 1 ? ` (and ${fields.length - 1} more)` : ''}`
    : 'invalid';
  return new HttpError(ErrorCode.InvalidRequest, `invalid request ${where}: ${summary}`, fields);
}
