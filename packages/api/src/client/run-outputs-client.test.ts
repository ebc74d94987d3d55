import { describe, expect, it } from 'vitest';
import { ArtifactPath, artifactPathProblem } from '../schemas/artifact-path.js';
import { AgentReportRequest, REPORT_LIMITS } from '../schemas/reports.js';
import { SlipwayClient } from './slipway-client.js';

const RUN = {
  id: 'r2',
  projectId: 'p1',
  projectName: 'shop',
  number: 2,
  pipeline: 'ci',
  status: 'running',
  trigger: { event: 'api' },
  createdAt: 1,
  startedAt: 1,
  finishedAt: null,
  trusted: true,
  retryOf: 'r1',
};

function recorder(answers: (() => Response)[]) {
  const sent: { method: string; url: string; headers: Record<string, string>; body: unknown }[] =
    [];
  const fetchFn = (url: string, init?: RequestInit) => {
    sent.push({
      method: init?.method ?? 'GET',
      url,
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body,
    });
    const answer = answers.shift();
    if (!answer) throw new Error('no answer');
    return Promise.resolve(answer());
  };
  const client = new SlipwayClient({
    baseUrl: 'http://x',
    token: 't',
    fetch: fetchFn as typeof fetch,
  });
  return { client, sent };
}

describe('SlipwayClient runs made from runs, tests and artifacts', () => {
  it('reruns and retries runs', async () => {
    const { client, sent } = recorder([() => Response.json(RUN), () => Response.json(RUN)]);
    expect(await client.retryRun('r1')).toEqual(RUN);
    expect((await client.rerunRun('r1')).retryOf).toBe('r1');
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST http://x/api/runs/r1/retry',
      'POST http://x/api/runs/r1/rerun',
    ]);
  });

  it('lists tests with their query and artifacts', async () => {
    const tests = {
      totals: { tests: 0, passed: 0, failed: 0, errored: 0, skipped: 0, durationMs: 0 },
      tasks: [],
      cases: [],
      nextOffset: null,
    };
    const artifact = {
      taskId: 'build',
      attemptId: 'a1',
      path: 'dist/app.js',
      size: 3,
      sha256: 'ab',
      createdAt: 1,
    };
    const { client, sent } = recorder([
      () => Response.json(tests),
      () => Response.json({ artifacts: [artifact] }),
    ]);
    expect(await client.listTests('r1', { status: 'failed', offset: 100, limit: 50 })).toEqual(
      tests,
    );
    expect(await client.listArtifacts('r1')).toEqual([artifact]);
    expect(sent.map((s) => s.url)).toEqual([
      'http://x/api/runs/r1/tests?status=failed&offset=100&limit=50',
      'http://x/api/runs/r1/artifacts',
    ]);
  });

  it('keeps the slashes of artifact paths and encodes each segment', async () => {
    const { client, sent } = recorder([
      () => new Response('abc', { headers: { 'content-length': '3' } }),
      () => Response.json({ path: 'out/a b#.txt', size: 3, sha256: 'ab' }),
    ]);
    const download = await client.downloadArtifact('r1', 'test[os=linux]', 'out/a b#.txt');
    expect(await download.text()).toBe('abc');
    const uploaded = await client.uploadArtifact({
      agentId: 'agt',
      attemptId: 'a1',
      path: 'out/a b#.txt',
      size: 3,
      content: 'abc',
    });
    expect(uploaded.size).toBe(3);
    expect(sent[0]?.url).toBe(
      'http://x/api/runs/r1/artifacts/test%5Bos%3Dlinux%5D/out/a%20b%23.txt',
    );
    expect(sent[1]).toMatchObject({
      method: 'PUT',
      url: 'http://x/api/agent/artifacts/a1/out/a%20b%23.txt?agentId=agt',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': '3',
        authorization: 'Bearer t',
      },
      body: 'abc',
    });
  });

  it('rejects a download the server refuses with an ApiError', async () => {
    const { client } = recorder([
      () =>
        Response.json({ error: { code: 'not_found', message: 'no artifact' } }, { status: 404 }),
    ]);
    await expect(client.downloadArtifact('r1', 'build', 'x')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });
});

describe('artifact paths', () => {
  it('accepts relative, normalised paths', () => {
    for (const path of ['a', 'dist/app.js', 'a b/ü.txt', '.hidden/x', 'a..b', 'x'.repeat(1024)]) {
      expect(artifactPathProblem(path), path).toBeNull();
    }
  });

  it('refuses .., absolute paths, NUL, backslashes and paths that are not normalised', () => {
    const bad: Record<string, string> = {
      '': 'is empty',
      '..': 'goes up a folder with ..',
      '../etc/passwd': 'goes up a folder with ..',
      'a/../../b': 'goes up a folder with ..',
      '/etc/passwd': 'is absolute',
      'C:/Windows': 'is absolute',
      'a\\..\\b': 'contains a backslash; separate folders with /',
      'a\0b': 'contains a NUL character',
      'a\nb': 'contains a control character',
      './a': 'is not normalised: it has a . segment',
      'a//b': 'is not normalised: it has an empty segment',
      'a/': 'is not normalised: it has an empty segment',
      ['x'.repeat(1025)]: 'is longer than 1024 characters',
    };
    for (const [path, problem] of Object.entries(bad)) {
      expect(artifactPathProblem(path), JSON.stringify(path)).toBe(problem);
      expect(ArtifactPath.safeParse(path).success).toBe(false);
    }
  });
});

describe('AgentReportRequest', () => {
  it('bounds the cases and texts of a report', () => {
    const testCase = { suite: 's', name: 'n', classname: 'c', status: 'passed', durationMs: 0 };
    const report = (cases: unknown[]) => ({
      agentId: 'agt',
      attemptId: 'a1',
      report: {
        suites: [{ name: 's', tests: 0, failures: 0, errors: 0, skipped: 0, durationMs: 0, cases }],
        totals: { tests: 0, passed: 0, failed: 0, errored: 0, skipped: 0, durationMs: 0 },
      },
    });
    expect(AgentReportRequest.safeParse(report([testCase])).success).toBe(true);
    const tooLong = { ...testCase, message: 'x'.repeat(REPORT_LIMITS.maxMessage + 1) };
    expect(AgentReportRequest.safeParse(report([tooLong])).success).toBe(false);
    const many = Array.from({ length: REPORT_LIMITS.maxCases + 1 }, () => testCase);
    expect(AgentReportRequest.safeParse(report(many)).success).toBe(false);
  });
});
