import { describe, expect, it } from 'vitest';
import { matchPath, paths } from './router.js';

describe('paths of the UI', () => {
  it('matches patterns and decodes their parameters', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/', '/runs')).toBeNull();
    expect(matchPath('/runs/:id', '/runs/r1/')).toEqual({ id: 'r1' });
    expect(matchPath('/runs/:id', '/runs/r1/tests')).toBeNull();
    const logs = paths.logs('r 1', 'build[os=linux]');
    expect(matchPath('/runs/:id/tasks/:task/logs', logs)).toEqual({
      id: 'r 1',
      task: 'build[os=linux]',
    });
    expect(matchPath('/runs/:id', '/runs/%E0%A4%A')).toBeNull();
  });
});
