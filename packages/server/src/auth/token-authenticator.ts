import { timingSafeEqual } from 'node:crypto';
import { TokenKind, type ControlStore } from '@slipway/core';
import { hashToken } from './admin-token.js';
import type { Caller } from './caller.js';

/** How stale a token's recorded last use may get before a use is written again. */
const TOUCH_EVERY_MS = 60_000;

/** The user name of agent tokens held in memory only. */
const MEMORY_AGENT_USER = 'agent';
/** The user name of admin tokens held in memory only. */
const MEMORY_ADMIN_USER = 'slipway-up';

/**
 * Finds the caller a bearer token stands for: one of the tokens held in memory (the
 * embedded agent's, and the admin token `slipway up --demo` registers its project with,
 * both made at start-up and never shown), or a token in the store, looked up by its
 * hash on every request so that a revoked token stops working at once on every server.
 * A token's last use is written at most about once a minute.
 */
export class TokenAuthenticator {
  private readonly memoryHashes: readonly Buffer[];
  private readonly memoryAdminHashes: readonly Buffer[];

  constructor(
    private readonly store: ControlStore,
    memoryAgentTokens: readonly string[],
    private readonly now: () => number,
    memoryAdminTokens: readonly string[] = [],
  ) {
    this.memoryHashes = memoryAgentTokens.map((token) => Buffer.from(hashToken(token), 'hex'));
    this.memoryAdminHashes = memoryAdminTokens.map((token) => Buffer.from(hashToken(token), 'hex'));
  }

  /** The caller, or null when the token is not known. */
  async authenticate(token: string): Promise<Caller | null> {
    const hash = hashToken(token);
    const presented = Buffer.from(hash, 'hex');
    let memory = false;
    for (const known of this.memoryHashes) {
      if (timingSafeEqual(known, presented)) memory = true;
    }
    if (memory) {
      return { tokenId: null, user: MEMORY_AGENT_USER, kind: TokenKind.Agent, admin: false };
    }
    let memoryAdmin = false;
    for (const known of this.memoryAdminHashes) {
      if (timingSafeEqual(known, presented)) memoryAdmin = true;
    }
    if (memoryAdmin) {
      return { tokenId: null, user: MEMORY_ADMIN_USER, kind: TokenKind.User, admin: true };
    }
    const record = await this.store.findTokenByHash(hash);
    if (record === null) return null;
    const at = this.now();
    if (record.lastUsedAt === null || at - record.lastUsedAt >= TOUCH_EVERY_MS) {
      await this.store.touchToken(record.id, at);
    }
    return { tokenId: record.id, user: record.user, kind: record.kind, admin: record.admin };
  }
}
