import { describe, expect, it } from 'vitest';
import { ProjectRole, TokenKind, UserError, type ControlStore, type NewToken } from '@slipway/core';
import {
  CONTRACT_T0 as T0,
  contractPlan,
  contractProject,
  contractRun,
} from './control-store-contract-fixtures.js';

function token(hash: string, extra: Partial<NewToken> = {}): NewToken {
  return {
    name: 'ci',
    user: 'ana',
    kind: TokenKind.User,
    admin: false,
    hash,
    createdAt: T0,
    ...extra,
  };
}

/**
 * The part of the {@link ControlStore} contract about tokens, role bindings and finding a
 * run's project. `store` returns the store of the running test.
 */
export function describeControlStoreAccessContract(store: () => ControlStore): void {
  describe('tokens', () => {
    it('stores tokens by hash, never answering the hash, and finds them by it', async () => {
      const made = await store().createToken(token('a'.repeat(64), { admin: true }));
      expect(made).toEqual({
        id: made.id,
        name: 'ci',
        user: 'ana',
        kind: 'user',
        admin: true,
        createdAt: T0,
        lastUsedAt: null,
      });
      expect(made.id).not.toBe('');
      const agent = await store().createToken(
        token('b'.repeat(64), {
          name: 'runner',
          user: 'agents',
          kind: TokenKind.Agent,
          createdAt: T0 + 1,
        }),
      );
      expect(await store().findTokenByHash('a'.repeat(64))).toEqual(made);
      expect(await store().findTokenByHash('b'.repeat(64))).toMatchObject({
        kind: 'agent',
        admin: false,
      });
      expect(await store().findTokenByHash('c'.repeat(64))).toBeNull();
      expect(await store().listTokens()).toEqual([made, agent]);
      expect(JSON.stringify(await store().listTokens())).not.toContain('a'.repeat(64));
    });

    it('lists tokens oldest first', async () => {
      const late = await store().createToken(token('1', { createdAt: T0 + 10, name: 'late' }));
      const early = await store().createToken(token('2', { createdAt: T0, name: 'early' }));
      expect((await store().listTokens()).map((t) => t.id)).toEqual([early.id, late.id]);
    });

    it('records the last use, never moving it back', async () => {
      const made = await store().createToken(token('d'));
      await store().touchToken(made.id, T0 + 500);
      await store().touchToken(made.id, T0 + 100);
      expect((await store().findTokenByHash('d'))?.lastUsedAt).toBe(T0 + 500);
      await store().touchToken('no-such-token', T0);
    });

    it('deletes a token once', async () => {
      const made = await store().createToken(token('e'));
      expect(await store().deleteToken(made.id)).toBe(true);
      expect(await store().deleteToken(made.id)).toBe(false);
      expect(await store().findTokenByHash('e')).toBeNull();
    });

    it('makes the first admin token only while there is no admin token', async () => {
      await store().createToken(token('plain'));
      const first = await store().createFirstAdminToken(token('first', { admin: false }));
      expect(first).toMatchObject({ admin: true, kind: 'user', user: 'ana' });
      expect(await store().createFirstAdminToken(token('second'))).toBeNull();
      expect(await store().findTokenByHash('second')).toBeNull();

      expect(await store().deleteToken(first?.id ?? '')).toBe(true);
      await store().createToken(token('other-admin', { admin: true }));
      expect(await store().createFirstAdminToken(token('third'))).toBeNull();
    });

    it('makes one first admin token among concurrent callers', async () => {
      const made = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store().createFirstAdminToken(token(`racer-${i}`))),
      );
      expect(made.filter((t) => t !== null)).toHaveLength(1);
      expect((await store().listTokens()).filter((t) => t.admin)).toHaveLength(1);
    });
  });

  describe('role bindings', () => {
    it('gives, replaces, lists and takes away roles per project', async () => {
      const shop = await contractProject(store());
      const blog = await contractProject(store());
      expect(await store().findRole(shop.id, 'ana')).toBeNull();
      const given = {
        projectId: shop.id,
        user: 'ana',
        role: ProjectRole.Viewer,
        updatedAt: T0,
      };
      expect(await store().setRole(given)).toEqual(given);
      await store().setRole({ ...given, role: ProjectRole.Developer, updatedAt: T0 + 1 });
      await store().setRole({ ...given, user: 'bo', role: ProjectRole.Admin });
      await store().setRole({ ...given, projectId: blog.id, role: ProjectRole.Admin });

      expect(await store().findRole(shop.id, 'ana')).toBe('developer');
      expect(await store().findRole(blog.id, 'bo')).toBeNull();
      expect(await store().listRoles(shop.id)).toEqual([
        { projectId: shop.id, user: 'ana', role: 'developer', updatedAt: T0 + 1 },
        { projectId: shop.id, user: 'bo', role: 'admin', updatedAt: T0 },
      ]);
      const ofAna = await store().rolesOfUser('ana');
      expect(ofAna.map((b) => [b.projectId, b.role]).sort()).toEqual(
        [
          [shop.id, 'developer'],
          [blog.id, 'admin'],
        ].sort(),
      );

      expect(await store().deleteRole(shop.id, 'ana')).toBe(true);
      expect(await store().deleteRole(shop.id, 'ana')).toBe(false);
      expect(await store().findRole(shop.id, 'ana')).toBeNull();
      expect(await store().findRole(blog.id, 'ana')).toBe('admin');
    });

    it('refuses a role in an unknown project as a user error', async () => {
      await expect(
        store().setRole({ projectId: 'nope', user: 'ana', role: 'viewer', updatedAt: T0 }),
      ).rejects.toBeInstanceOf(UserError);
    });
  });

  describe('findRunProject', () => {
    it("answers a run's project, or null for an unknown run", async () => {
      const project = await contractProject(store());
      const run = await contractRun(store(), project.id, contractPlan(['build']));
      expect(await store().findRunProject(run.id)).toBe(project.id);
      expect(await store().findRunProject('no-such-run')).toBeNull();
    });
  });
}
