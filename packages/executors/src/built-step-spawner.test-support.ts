import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

/** The step spawner `npm run build` compiled; tests use the built program. */
export const builtStepSpawner = fileURLToPath(
  new URL('../dist/slipway-step-spawner', import.meta.url),
);

/**
 * Why the step spawner cannot be tested here, or undefined when it can. When it cannot
 * and `SLIPWAY_TEST_STEP_SPAWNER=1` demands it, declares a failing test instead; otherwise
 * prints the reason.
 */
export function stepSpawnerSkipReason(): string | undefined {
  if (existsSync(builtStepSpawner)) return undefined;
  const reason = `${builtStepSpawner} was not built (npm run build compiles it with a C compiler on Linux)`;
  if (process.env.SLIPWAY_TEST_STEP_SPAWNER === '1') {
    it('has the step spawner, as SLIPWAY_TEST_STEP_SPAWNER=1 demands', () => {
      throw new Error(reason);
    });
  } else {
    console.warn(`Skipping the step spawner's tests: ${reason}`);
  }
  return reason;
}
