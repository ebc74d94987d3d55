import type { TokenKind } from '@slipway/core';
import type { FastifyRequest } from 'fastify';

/** Who made a request, as its bearer token says. */
export interface Caller {
  /** Null for tokens held in memory only (the embedded agent's, `slipway up --demo`'s). */
  readonly tokenId: string | null;
  readonly user: string;
  readonly kind: TokenKind;
  readonly admin: boolean;
}

const callers = new WeakMap<FastifyRequest, Caller>();

/** Records the caller of a request; the authorization hook does this. */
export function setCaller(request: FastifyRequest, caller: Caller): void {
  callers.set(request, caller);
}

/** The caller of a request to a route that needs a token. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (caller === undefined) throw new Error(`no caller recorded for ${request.url}`);
  return caller;
}
