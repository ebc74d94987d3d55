import { describe, expect, it } from 'vitest';
import { permissionScope } from './permission.js';
import { routes, type ApiRoute } from './routes.js';

const all = Object.values(routes) as readonly ApiRoute[];

describe('route permissions', () => {
  it('needs a token on every route but the public ones', () => {
    for (const route of all) {
      expect(route.auth, route.operationId).toBe(route.requires !== 'public');
    }
  });

  it('names the object each project or run permission is checked on', () => {
    for (const route of all) {
      const scope = permissionScope(route.requires);
      if (scope === null) continue;
      const param = scope.on === 'project' ? 'project' : 'id';
      expect(route.path, route.operationId).toContain(`/:${param}`);
      expect(Object.keys(route.params?.shape ?? {}), route.operationId).toContain(param);
    }
  });

  it('lets agent tokens reach the agent protocol and nothing else', () => {
    for (const route of all) {
      expect(route.requires === 'agent', route.operationId).toBe(
        route.path.startsWith('/api/agent/'),
      );
    }
  });

  it('reads the scope of a permission', () => {
    expect(permissionScope('run:developer')).toEqual({ on: 'run', role: 'developer' });
    expect(permissionScope('project:admin')).toEqual({ on: 'project', role: 'admin' });
    expect(permissionScope('user')).toBeNull();
    expect(permissionScope('public')).toBeNull();
  });
});
