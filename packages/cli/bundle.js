// Bundles the `slipway` command and the step runner it forks into dist/bundle (run by
// `npm run build` after `tsc -b`; bin/slipway.js loads it), and copies the step spawner
// there when it was built. A few files load faster
// than the hundreds of modules in the packages' dist folders, and calls between Slipway's
// packages become plain calls. Packages with native parts, or optional native peers, stay
// outside and load from node_modules. Source maps sit beside each file. The bundle lies
// two folders below its package, as the modules it takes in do (cli/dist/commands,
// server/dist/web): the paths they find from import.meta.url (bin/slipway.js, examples/,
// web/dist) resolve the same from it.
import { build } from 'rolldown';
import { copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const at = (path) => fileURLToPath(new URL(path, import.meta.url));

await build({
  input: {
    main: at('./dist/main.js'),
    'step-runner-main': at('../executors/dist/step-runner-main.js'),
  },
  platform: 'node',
  external: ['better-sqlite3', 'pg', 'pg-native'],
  logLevel: 'warn',
  output: { dir: at('./dist/bundle'), format: 'esm', sourcemap: true, cleanDir: true },
});

const spawner = at('../executors/dist/slipway-step-spawner');
if (existsSync(spawner)) copyFileSync(spawner, at('./dist/bundle/slipway-step-spawner'));
