import { ErrorCode, ERROR_STATUS, type ErrorBody } from '@slipway/api';
import { ConfigError, isUserError, UserErrorKind } from '@slipway/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError } from './http-error.js';
import { invalidInput } from './parse-input.js';

/** An error as the API answers it. */
export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  /** True for bugs, which are logged with their stack. */
  readonly bug: boolean;
}

/**
 * The one mapping from errors to HTTP responses: route errors ({@link HttpError}), core's
 * taxonomy (a {@link ConfigError} is a 400 with its diagnostics; a `UserError` is a 400,
 * 404 or 503 by kind), validation errors (400 with field errors) and Fastify's own
 * request errors (bad JSON, body too large). Anything else is a bug: a 500 that tells
 * the client nothing more.
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof HttpError) {
    return respond(error.code, error.message, {
      ...(error.fields ? { fields: [...error.fields] } : {}),
    });
  }
  if (error instanceof ConfigError) {
    return respond(ErrorCode.InvalidPipeline, error.message, {
      diagnostics: error.diagnostics.map((d) => ({ ...d })),
    });
  }
  if (isUserError(error)) {
    switch (error.kind) {
      case UserErrorKind.Config:
        return respond(ErrorCode.InvalidPipeline, error.message);
      case UserErrorKind.Usage:
        return respond(ErrorCode.InvalidRequest, error.message);
      case UserErrorKind.NotFound:
        return respond(ErrorCode.NotFound, error.message);
      case UserErrorKind.Environment:
        return respond(ErrorCode.Unavailable, error.message);
    }
  }
  if (error instanceof z.ZodError) return errorResponse(invalidInput(error, 'body'));
  const fastify = fastifyRequestError(error);
  if (fastify) return fastify;
  return {
    status: 500,
    body: { error: { code: ErrorCode.Internal, message: 'internal error; see the server log' } },
    bug: true,
  };
}

function respond(
  code: ErrorCode,
  message: string,
  extra: Omit<ErrorBody['error'], 'code' | 'message'> = {},
): ErrorResponse {
  return { status: ERROR_STATUS[code], body: { error: { code, message, ...extra } }, bug: false };
}

/** Fastify's errors about the request itself (`FST_ERR_CTP_*` and the like) carry a 4xx. */
function fastifyRequestError(error: unknown): ErrorResponse | null {
  if (typeof error !== 'object' || error === null) return null;
  const { statusCode, code, message } = error as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return null;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return null;
  const text = typeof message === 'string' ? message : 'invalid request';
  switch (statusCode) {
    case 413:
      return respond(ErrorCode.PayloadTooLarge, 'request body too large');
    case 415:
      return respond(ErrorCode.UnsupportedMediaType, text);
    case 404:
      return respond(ErrorCode.NotFound, text);
    default:
      return respond(ErrorCode.InvalidRequest, text);
  }
}

/**
 * Installs {@link errorResponse} as the error handler and a 404 with the error body; a
 * request no route matches that `page` claims (a page of the web UI) is answered by it.
 */
export function installErrorHandling(
  app: FastifyInstance,
  page?: {
    readonly claims: (request: FastifyRequest) => boolean;
    readonly answer: (request: FastifyRequest, reply: FastifyReply) => FastifyReply;
  },
): void {
  app.setErrorHandler((error, request, reply) => {
    const response = errorResponse(error);
    if (response.bug) request.log.error({ err: error }, 'request failed');
    return reply.code(response.status).send(response.body);
  });
  app.setNotFoundHandler((request, reply) => {
    if (page?.claims(request)) return page.answer(request, reply);
    const body: ErrorBody = {
      error: {
        code: ErrorCode.NotFound,
        message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      },
    };
    return reply.code(404).send(body);
  });
}
