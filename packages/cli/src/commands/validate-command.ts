import { compilePipeline, formatDiagnostic, type Diagnostic } from '@slipway/core';
import { ExitCode } from '../exit-codes.js';
import { loadProject } from '../load-project.js';
import type { Colors } from '../output/colors.js';

export interface ValidateOptions {
  readonly dir: string;
  readonly json: boolean;
}

/** Checks every pipeline of the repository; prints each problem as file:line:column. */
export async function validateCommand(options: ValidateOptions, colors: Colors): Promise<ExitCode> {
  const loaded = await loadProject(options.dir);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const pipelines = loaded.pipelines.map((source) => {
    const result = compilePipeline(source.pipeline, {
      templates: source.templates,
      requireParams: false,
      ...(source.inferredFrom ? { inferredFrom: source.inferredFrom } : {}),
    });
    if (!result.ok) diagnostics.push(...result.diagnostics);
    return {
      name: source.name,
      file: source.pipeline.file,
      ok: result.ok,
      tasks: result.ok ? result.plan.tasks.length : 0,
    };
  });
  const ok = diagnostics.length === 0;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ok, pipelines, diagnostics }, null, 2)}\n`);
  } else {
    for (const d of diagnostics)
      process.stderr.write(`${colors.red('error')} ${formatDiagnostic(d)}\n`);
    for (const p of pipelines.filter((p) => p.ok)) {
      process.stdout.write(
        `${colors.green('✓')} ${p.file}: pipeline ${p.name}, ${p.tasks} task${p.tasks === 1 ? '' : 's'}\n`,
      );
    }
    if (!ok)
      process.stderr.write(
        `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} found\n`,
      );
  }
  return ok ? ExitCode.Succeeded : ExitCode.ConfigOrUsage;
}
