import { selectTasks, type GivenParam } from '@slipway/core';
import { ExitCode } from '../exit-codes.js';
import { choosePipeline, compileForRun, loadProject, localTrigger } from '../load-project.js';
import { formatPlan, type PlanFormat } from '../output/format-plan.js';

export interface PlanOptions {
  readonly dir: string;
  readonly pipeline: string | undefined;
  readonly params: Readonly<Record<string, GivenParam>>;
  readonly only: readonly string[];
  readonly format: PlanFormat;
}

/** Prints the compiled plan: what would run, in which order, and why. */
export async function planCommand(options: PlanOptions): Promise<ExitCode> {
  const source = choosePipeline(await loadProject(options.dir), options.pipeline);
  let plan = compileForRun(source, options.params, await localTrigger(options.dir));
  if (options.only.length) plan = selectTasks(plan, options.only);
  process.stdout.write(`${formatPlan(plan, options.format)}\n`);
  return ExitCode.Succeeded;
}
