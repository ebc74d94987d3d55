import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipelineNameFromFile } from '../compiler/compile-pipeline.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { isUserError, UserError, UserErrorKind } from '../errors/user-error.js';
import { inferMakefilePipeline } from '../makefile/infer-makefile-pipeline.js';
import {
  discoverPipelineFiles,
  PIPELINE_FILE_PATHS,
  parsePipelineDocument,
  parseTemplateDocument,
  type LoadedPipeline,
} from '../pipeline/index.js';
import type { MakefileInference } from '../plan/plan.js';
import type { UsesSpec } from '../spec/pipeline-schema.js';
import { templateKey, type ResolvedTemplate } from '../templates/resolved-template.js';
import type { TemplateResolver } from '../templates/template-resolver.js';

/** A pipeline ready to compile: its spec, the templates it uses, and how it was found. */
export interface PipelineSource {
  readonly name: string;
  readonly pipeline: LoadedPipeline;
  readonly templates: ReadonlyMap<string, ResolvedTemplate>;
  readonly inferredFrom?: MakefileInference;
}

/** Every pipeline of a repository that loaded, and the problems of those that did not. */
export interface LoadedPipelines {
  readonly pipelines: readonly PipelineSource[];
  readonly diagnostics: readonly Diagnostic[];
}

const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];

/**
 * The paths at a repository's root that {@link loadPipelines} reads, besides the
 * templates in the repository that pipelines name and the files that links point to.
 */
export const PIPELINE_PATHS: readonly string[] = [...PIPELINE_FILE_PATHS, ...MAKEFILES];

/**
 * Finds and loads the pipelines of a repository checkout: `.slipway.yml` and
 * `.slipway/*.yml`, each with its templates fetched; or, with no pipeline file, the
 * pipeline the Makefile convention infers. Throws a {@link UserError} when there is
 * neither.
 */
export async function loadPipelines(
  root: string,
  resolver: TemplateResolver,
): Promise<LoadedPipelines> {
  const files = await discoverPipelineFiles(root);
  if (files.length === 0) return inferFromMakefile(root);

  const pipelines: PipelineSource[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, string>();
  for (const { file, text } of files) {
    const parsed = parsePipelineDocument(file, text);
    if (!parsed.ok) {
      diagnostics.push(...parsed.diagnostics);
      continue;
    }
    const pipeline = parsed.value;
    const name = pipeline.spec.name ?? pipelineNameFromFile(file);
    const other = seen.get(name);
    if (other !== undefined) {
      const { line, column } = pipeline.source.locate(['name']);
      diagnostics.push({
        file,
        line,
        column,
        key: 'name',
        message: `pipeline "${name}" is also defined in ${other}: names must be unique`,
      });
      continue;
    }
    seen.set(name, file);
    const templates = await fetchTemplates(pipeline, resolver);
    if (templates.diagnostics.length) diagnostics.push(...templates.diagnostics);
    else pipelines.push({ name, pipeline, templates: templates.resolved });
  }
  return { pipelines, diagnostics };
}

async function fetchTemplates(pipeline: LoadedPipeline, resolver: TemplateResolver) {
  const resolved = new Map<string, ResolvedTemplate>();
  const diagnostics: Diagnostic[] = [];
  const uses: { path: string[]; uses: UsesSpec }[] = [];
  for (const group of ['tasks', 'finally'] as const) {
    for (const [name, task] of Object.entries(pipeline.spec[group] ?? {})) {
      if (task.uses !== undefined) uses.push({ path: [group, name, 'uses'], uses: task.uses });
    }
  }
  for (const use of uses) {
    const key = templateKey(use.uses);
    if (resolved.has(key)) continue;
    try {
      const fetched = await resolver.fetch(use.uses);
      const parsed = parseTemplateDocument(fetched.file, fetched.text);
      if (!parsed.ok) {
        diagnostics.push(...parsed.diagnostics);
        continue;
      }
      resolved.set(key, {
        template: parsed.value,
        provenance: { ...fetched.provenance, sha256: parsed.value.sha256 },
      });
    } catch (error) {
      if (!isUserError(error)) throw error;
      const { line, column } = pipeline.source.locate(use.path);
      diagnostics.push({
        file: pipeline.file,
        line,
        column,
        key: use.path.join('.'),
        message: error.message,
      });
    }
  }
  return { resolved, diagnostics };
}

async function inferFromMakefile(root: string): Promise<LoadedPipelines> {
  for (const file of MAKEFILES) {
    let text: string;
    try {
      text = await readFile(join(root, file), 'utf8');
    } catch {
      continue;
    }
    const inferred = inferMakefilePipeline(file, text);
    if (inferred) {
      return {
        pipelines: [
          {
            name: 'default',
            pipeline: inferred.pipeline,
            templates: new Map(),
            inferredFrom: inferred.inference,
          },
        ],
        diagnostics: [],
      };
    }
  }
  throw new UserError(
    UserErrorKind.Config,
    `no pipeline in ${root}: add a .slipway.yml (see docs/pipelines.md), or a Makefile with standard targets such as test-unit and build`,
  );
}
