import type { StepSpec } from '../spec/pipeline-schema.js';

type Shell = Exclude<StepSpec, string>['shell'];

/** Argv for each named shell; the script is appended as the last argument. */
const SHELLS = {
  bash: ['bash', '-eo', 'pipefail', '-c'],
  sh: ['sh', '-ec'],
  python3: ['python3', '-c'],
  node: ['node', '-e'],
} as const;

/** The argv a step's script is run with; `bash -eo pipefail` unless the step says otherwise. */
export function shellArgv(shell: Shell): readonly string[] {
  if (shell === undefined) return SHELLS.bash;
  return typeof shell === 'string' ? SHELLS[shell] : shell;
}
