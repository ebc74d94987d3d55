import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSummary, runCli, useTempRepos } from './helpers.js';

const repos = useTempRepos();

const PIPELINE = `tasks:
  deploy:
    steps:
      - run: |
          echo "token: $API_TOKEN"
          echo "password: $DB_PASSWORD" >&2
          printf '%s\\n' "$DEPLOY_KEY"
          test -n "$API_TOKEN"
`;

describe('secrets', () => {
  it('reach steps as env vars and are masked as *** in live output (--secret)', async () => {
    const dir = await repos.withFiles({ '.slipway.yml': PIPELINE });
    const result = await runCli([
      'run',
      '-C',
      dir,
      '--secret',
      'API_TOKEN=tok-5f1e9c2b7d',
      '--secret',
      'DB_PASSWORD=hunter2-but-longer',
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\[deploy\] +token: \*\*\*$/m);
    expect(result.stdout).toMatch(/^\[deploy\] +password: \*\*\*$/m);
    expect(result.stdout + result.stderr).not.toContain('tok-5f1e9c2b7d');
    expect(result.stdout + result.stderr).not.toContain('hunter2-but-longer');
  });

  it('are masked on stderr too when the summary goes to stdout (--json)', async () => {
    const dir = await repos.withFiles({ '.slipway.yml': PIPELINE });
    const result = await runCli([
      'run',
      '-C',
      dir,
      '--json',
      '--secret',
      'API_TOKEN=tok-5f1e9c2b7d',
    ]);

    expect(parseSummary(result).run.status).toBe('succeeded');
    expect(result.stderr).toMatch(/\[deploy\] token: \*\*\*/);
    expect(result.stdout + result.stderr).not.toContain('tok-5f1e9c2b7d');
  });

  it('are read from --secrets-file, multi-line values included', async () => {
    const dir = await repos.withFiles({ '.slipway.yml': PIPELINE });
    const secretsFile = join(await repos.create(), 'ci.env');
    await writeFile(
      secretsFile,
      [
        '# secrets for the deploy task',
        'API_TOKEN=tok-from-file-81c3',
        'DB_PASSWORD="quoted pa55word"',
        'DEPLOY_KEY="-----BEGIN KEY-----',
        'line-one-of-the-key-3b8f',
        '-----END KEY-----"',
        '',
      ].join('\n'),
    );
    const result = await runCli(['run', '-C', dir, '--secrets-file', secretsFile]);
    const output = result.stdout + result.stderr;

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\[deploy\] +token: \*\*\*$/m);
    expect(result.stdout).toMatch(/^\[deploy\] +password: \*\*\*$/m);
    expect(output).not.toContain('tok-from-file-81c3');
    expect(output).not.toContain('quoted pa55word');
    expect(output).not.toContain('line-one-of-the-key-3b8f');
  });

  it('a malformed secrets file is a usage error: exit code 2, nothing ran', async () => {
    const dir = await repos.withFiles({ '.slipway.yml': PIPELINE });
    const secretsFile = join(await repos.create(), 'bad.env');
    await writeFile(secretsFile, 'API_TOKEN=ok\nthis line is not an assignment\n');
    const result = await runCli(['run', '-C', dir, '--secrets-file', secretsFile]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.env:2');
    expect(result.stdout).not.toContain('[deploy]');
  });
});
