import { describe, expect, it } from 'vitest';
import { groupSubject, ProjectRole, type ControlStore } from '@slipway/core';
import { CONTRACT_T0 as T0, contractProject } from './control-store-contract-fixtures.js';

/**
 * The part of the {@link ControlStore} contract about users' groups and role bindings
 * that name a group. `store` returns the store of the running test.
 */
export function describeControlStoreUserGroupsContract(store: () => ControlStore): void {
  describe('user groups', () => {
    it('adds and removes members; a group exists while it has members', async () => {
      expect(await store().listGroups()).toEqual([]);
      expect(await store().addGroupMember({ group: 'platform', user: 'ana', addedAt: T0 })).toEqual(
        { group: 'platform', user: 'ana', addedAt: T0 },
      );
      await store().addGroupMember({ group: 'platform', user: 'bo', addedAt: T0 + 1 });
      await store().addGroupMember({ group: 'docs', user: 'ana', addedAt: T0 + 2 });

      expect(await store().listGroups()).toEqual([
        { name: 'docs', members: 1 },
        { name: 'platform', members: 2 },
      ]);
      expect(await store().listGroupMembers('platform')).toEqual([
        { group: 'platform', user: 'ana', addedAt: T0 },
        { group: 'platform', user: 'bo', addedAt: T0 + 1 },
      ]);
      expect(await store().listGroupMembers('nobody')).toEqual([]);
      expect(await store().groupsOfUser('ana')).toEqual(['docs', 'platform']);
      expect(await store().groupsOfUser('cy')).toEqual([]);

      expect(await store().removeGroupMember('docs', 'ana')).toBe(true);
      expect(await store().removeGroupMember('docs', 'ana')).toBe(false);
      expect(await store().removeGroupMember('platform', 'cy')).toBe(false);
      expect(await store().listGroups()).toEqual([{ name: 'platform', members: 2 }]);
      expect(await store().groupsOfUser('ana')).toEqual(['platform']);
    });

    it('keeps the first membership when a member is added again', async () => {
      await store().addGroupMember({ group: 'platform', user: 'ana', addedAt: T0 });
      expect(
        await store().addGroupMember({ group: 'platform', user: 'ana', addedAt: T0 + 50 }),
      ).toEqual({ group: 'platform', user: 'ana', addedAt: T0 });
      expect(await store().listGroups()).toEqual([{ name: 'platform', members: 1 }]);
    });

    it("gives members the highest of their own and their groups' roles", async () => {
      const shop = await contractProject(store());
      const blog = await contractProject(store());
      const bind = (projectId: string, user: string, role: ProjectRole) =>
        store().setRole({ projectId, user, role, updatedAt: T0 });
      await bind(shop.id, groupSubject('platform'), ProjectRole.Developer);
      await bind(shop.id, 'ana', ProjectRole.Viewer);
      await bind(blog.id, groupSubject('docs'), ProjectRole.Admin);
      await bind(blog.id, groupSubject('platform'), ProjectRole.Viewer);

      expect(await store().findRole(shop.id, 'ana')).toBe('viewer');
      expect(await store().findRole(shop.id, 'bo')).toBeNull();
      await store().addGroupMember({ group: 'platform', user: 'ana', addedAt: T0 });
      await store().addGroupMember({ group: 'platform', user: 'bo', addedAt: T0 });
      expect(await store().findRole(shop.id, 'ana')).toBe('developer');
      expect(await store().findRole(shop.id, 'bo')).toBe('developer');
      expect(await store().findRole(blog.id, 'bo')).toBe('viewer');
      await store().addGroupMember({ group: 'docs', user: 'bo', addedAt: T0 });
      expect(await store().findRole(blog.id, 'bo')).toBe('admin');
      expect(await store().findRole(shop.id, groupSubject('platform'))).toBe('developer');

      const ofBo = await store().rolesOfUser('bo');
      expect(ofBo.map((b) => [b.projectId, b.user, b.role]).sort()).toEqual(
        [
          [shop.id, 'group:platform', 'developer'],
          [blog.id, 'group:docs', 'admin'],
          [blog.id, 'group:platform', 'viewer'],
        ].sort(),
      );
      expect(await store().listRoles(shop.id)).toEqual([
        { projectId: shop.id, user: 'ana', role: 'viewer', updatedAt: T0 },
        { projectId: shop.id, user: 'group:platform', role: 'developer', updatedAt: T0 },
      ]);

      expect(await store().removeGroupMember('platform', 'bo')).toBe(true);
      expect(await store().findRole(shop.id, 'bo')).toBeNull();
      expect(await store().findRole(blog.id, 'bo')).toBe('admin');
      expect(await store().deleteRole(shop.id, groupSubject('platform'))).toBe(true);
      expect(await store().findRole(shop.id, 'ana')).toBe('viewer');
      expect((await store().rolesOfUser('bo')).map((b) => b.user)).toEqual(['group:docs']);
    });

    it('does not mistake a user for a group of the same name', async () => {
      const shop = await contractProject(store());
      await store().setRole({
        projectId: shop.id,
        user: 'platform',
        role: ProjectRole.Admin,
        updatedAt: T0,
      });
      await store().addGroupMember({ group: 'platform', user: 'ana', addedAt: T0 });
      expect(await store().findRole(shop.id, 'ana')).toBeNull();
      expect(await store().rolesOfUser('ana')).toEqual([]);
    });
  });
}
