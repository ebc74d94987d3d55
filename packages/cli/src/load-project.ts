import { execFile } from 'node:child_process';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  compilePipeline,
  ConfigError,
  GitTemplateResolver,
  loadPipelines,
  RepositoryTemplateResolver,
  TriggerEvent,
  UserError,
  UserErrorKind,
  didYouMean,
  type GivenParam,
  type LoadedPipelines,
  type PipelineSource,
  type Plan,
  type TriggerFacts,
} from '@slipway/core';

const run = promisify(execFile);

/** The pipelines of the repository at `dir`, with their templates fetched. */
export async function loadProject(dir: string): Promise<LoadedPipelines> {
  const cache = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'slipway',
    'templates',
  );
  return loadPipelines(dir, new RepositoryTemplateResolver(dir, new GitTemplateResolver(cache)));
}

/** The pipeline named by `--pipeline`, or the only one; a clear error otherwise. */
export function choosePipeline(loaded: LoadedPipelines, name: string | undefined): PipelineSource {
  if (
    loaded.diagnostics.length > 0 &&
    (name === undefined || !loaded.pipelines.some((p) => p.name === name))
  ) {
    throw new ConfigError(loaded.diagnostics);
  }
  const names = loaded.pipelines.map((p) => p.name);
  if (name === undefined) {
    const [only] = loaded.pipelines;
    if (loaded.pipelines.length === 1 && only) return only;
    throw new UserError(
      UserErrorKind.Usage,
      `this repository has ${names.length} pipelines (${names.join(', ')}): choose one with --pipeline NAME`,
    );
  }
  const chosen = loaded.pipelines.find((p) => p.name === name);
  if (!chosen) {
    throw new UserError(
      UserErrorKind.Usage,
      `no pipeline "${name}"${didYouMean(name, names)}; pipelines here: ${names.join(', ')}`,
    );
  }
  return chosen;
}

/** Compiles a pipeline for a local run, or throws its diagnostics as a ConfigError. */
export function compileForRun(
  source: PipelineSource,
  params: Readonly<Record<string, GivenParam>>,
  trigger: TriggerFacts,
): Plan {
  const result = compilePipeline(source.pipeline, {
    params,
    trigger,
    templates: source.templates,
    ...(source.inferredFrom ? { inferredFrom: source.inferredFrom } : {}),
  });
  if (!result.ok) throw new ConfigError(result.diagnostics);
  return result.plan;
}

/**
 * Facts of a run started by hand here: the checkout's branch and commit, and the user.
 * Never rejects: a fact that cannot be found out is left undefined.
 */
export async function localTrigger(dir: string): Promise<TriggerFacts> {
  const git = async (...args: string[]) => {
    try {
      return (
        (await run('git', ['-C', dir, ...args], { timeout: 10_000 })).stdout.trim() || undefined
      );
    } catch {
      return undefined;
    }
  };
  const [branch, commit] = await Promise.all([
    git('symbolic-ref', '--short', '-q', 'HEAD'),
    git('rev-parse', '-q', '--verify', 'HEAD'),
  ]);
  return { event: TriggerEvent.Manual, branch, commit, actor: safeUserName() };
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
