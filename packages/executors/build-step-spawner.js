// Compiles the step spawner (native/step-spawner.c) into dist/slipway-step-spawner, run by
// `npm run build`. Steps then start with posix_spawn from it instead of being forked from
// a Node.js process. It needs Linux and a C compiler (`cc`, or $CC); without them Slipway
// starts steps from its Node.js step runner, and this says so. A compiler error on Linux
// fails the build, as does a missing compiler when SLIPWAY_REQUIRE_STEP_SPAWNER=1.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const at = (path) => fileURLToPath(new URL(path, import.meta.url));
const required = process.env.SLIPWAY_REQUIRE_STEP_SPAWNER === '1';

function without(reason) {
  const message = `step spawner not built: ${reason}; steps will start from the Node.js step runner`;
  if (required) {
    console.error(`${message} (SLIPWAY_REQUIRE_STEP_SPAWNER=1 demands it)`);
    process.exit(1);
  }
  console.error(message);
  process.exit(0);
}

if (process.platform !== 'linux') without(`it needs Linux, and this is ${process.platform}`);
const compiler = process.env.CC ?? 'cc';
mkdirSync(at('./dist'), { recursive: true });
const result = spawnSync(
  compiler,
  [
    '-O2',
    '-Wall',
    '-Werror',
    '-o',
    at('./dist/slipway-step-spawner'),
    at('./native/step-spawner.c'),
  ],
  { stdio: 'inherit' },
);
if (result.error !== undefined) without(`no C compiler (${compiler}: ${result.error.message})`);
if (result.status !== 0) {
  console.error(`the step spawner did not compile with ${compiler}`);
  process.exit(1);
}
