import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, STACK_TRACE_LINE, runCli } from './helpers.js';

/** No server listens here; a command that gets this far has already accepted its input. */
const NO_SERVER = ['--server', 'http://127.0.0.1:1', '--token', 't'];

describe('slipway pr status with a number that is not a pull request number', () => {
  it('says which argument is wrong and what it takes, before contacting the server', async () => {
    for (const number of ['abc', '0']) {
      const result = await runCli(['pr', 'status', 'shop', number, ...NO_SERVER]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`'${number}' is invalid for argument 'number'`);
      expect(result.stderr).toContain('expected a whole number of at least 1');
      expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    }
  });
});

describe('slipway runs with a filter the server would refuse', () => {
  it('names the statuses there are', async () => {
    const result = await runCli(['runs', '--status', 'done', ...NO_SERVER]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--status must be one of queued, waiting, running, succeeded, failed, cancelled, timed_out, not "done"',
    );
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });

  it('says how many runs and events a page may hold', async () => {
    for (const args of [['runs'], ['events', 'shop']]) {
      const result = await runCli([...args, '--limit', '500', ...NO_SERVER]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "argument '500' is invalid. expected a whole number from 1 to 100",
      );
    }
  });
});

describe('slipway project add with a relative path to nothing', () => {
  it('says the folder is not there, before asking the server', async () => {
    const result = await runCli(['project', 'add', 'shop', './no-such-folder', ...NO_SERVER]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `there is no folder ${join(REPO_ROOT, 'no-such-folder')} (from "./no-such-folder")`,
    );
    expect(result.stderr).toContain('give the path of a Git repository, or a Git URL');
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });
});

describe('slipway secret set with a value too long for a secret', () => {
  it('says how long a secret may be, before sending it', async () => {
    const result = await runCli(['secret', 'set', 'shop', 'BIG', ...NO_SERVER], {
      input: 'x'.repeat(2_000_000),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'the value of secret BIG is 2000000 characters long; a secret holds at most 262144 characters',
    );
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });
});

describe('slipway trigger with an empty project or ref', () => {
  it('says what to give instead, before asking the server', async () => {
    const cases: [string[], string][] = [
      [['trigger', ''], 'expected a project name, not an empty value'],
      [['trigger', 'shop', '--ref', ''], 'expected a branch, tag or commit, not an empty value'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([...args, ...NO_SERVER]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    }
  });
});

describe('slipway secret set with an empty --value', () => {
  it('says the value given is empty, not that none was given', async () => {
    const result = await runCli(['secret', 'set', 'shop', 'TOKEN', '--value', '', ...NO_SERVER]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'the --value given for secret TOKEN is empty: a secret needs a value',
    );
  });
});

describe('slipway run, plan, validate and runs given a word they take as no argument', () => {
  it('say which option the word was likely meant for', async () => {
    const cases: [string[], string][] = [
      [
        ['run', 'test'],
        'slipway run takes no arguments, got "test": to run one task and the tasks it needs, use --only test; to pick a pipeline, use --pipeline test',
      ],
      [
        ['plan', 'ci'],
        'slipway plan takes no arguments, got "ci": to pick a pipeline, use --pipeline ci',
      ],
      [
        ['validate', 'x.yml'],
        'slipway validate takes no arguments, got "x.yml": it checks every pipeline file',
      ],
      [
        ['runs', 'r-1', ...NO_SERVER],
        'slipway runs list takes no arguments, got "r-1": to show a run, use slipway runs show r-1',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    }
  });
});

describe('slipway secret set with a name no secret may have', () => {
  it('says why before sending anything', async () => {
    const cases: [string, string][] = [
      ['1ABC', 'use an environment variable name'],
      ['PATH', 'a secret may not replace a variable steps depend on'],
      ['SLIPWAY_TOKEN', 'names starting with SLIPWAY_ are reserved'],
    ];
    for (const [name, message] of cases) {
      const result = await runCli(['secret', 'set', 'shop', name, '--value', 'v', ...NO_SERVER]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`"${name}" cannot name a secret: ${message}`);
    }
  });
});

describe('slipway --version', () => {
  it('prints the version of the command', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});

describe('a command group without a subcommand', () => {
  it('shows the group’s help as a usage error, as every group does', async () => {
    for (const name of ['project', 'secret', 'role', 'group']) {
      const result = await runCli([name]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`Usage: slipway ${name} [options] [command]`);
    }
  });

  it('leaves slipway group list to list the groups', async () => {
    const result = await runCli(['group', 'list', ...NO_SERVER]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no Slipway server answers at http://127.0.0.1:1');
  });
});

describe('slipway help', () => {
  it('shows a command’s help, and says when there is no such command', async () => {
    const known = await runCli(['help', 'trigger']);
    expect(known.code).toBe(0);
    expect(known.stdout).toContain('Usage: slipway trigger [options] <project>');
    const unknown = await runCli(['help', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'nope': `slipway help` lists the commands");
  });
});
