/**
 * Enforces the package table of docs/architecture.md: which package may import which.
 * Keep the two in step; this file is the one CI checks.
 */
const mayImport = {
  core: [],
  api: ['core'],
  store: ['core'],
  executors: ['core'],
  agent: ['core', 'api', 'executors'],
  server: ['core', 'api', 'store', 'executors', 'agent'],
  cli: ['core', 'api', 'executors', 'agent', 'server'],
  web: ['api'],
  testing: ['core'],
};

/** Third-party packages core may use: it stays pure and small. */
const coreLibraries = ['yaml', 'zod', 'croner', 'fast-xml-parser', 'picomatch'];

const packageRules = Object.entries(mayImport).map(([from, allowed]) => ({
  name: `${from}-imports`,
  comment: `${from} may import only: ${allowed.join(', ') || 'no other package'} (docs/architecture.md)`,
  severity: 'error',
  from: { path: `^packages/${from}/` },
  to: { path: '^packages/([^/]+)/', pathNot: `^packages/(${[from, ...allowed].join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...packageRules,
    {
      name: 'no-deep-imports',
      comment: 'Import another package through its index, never its src/ or dist/ files.',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/src/', pathNot: '^packages/$1/' },
    },
    {
      name: 'core-libraries',
      comment: `core may use only the standard library and: ${coreLibraries.join(', ')}`,
      severity: 'error',
      from: { path: '^packages/core/' },
      to: {
        dependencyTypes: [
          'npm',
          'npm-dev',
          'npm-optional',
          'npm-peer',
          'npm-no-pkg',
          'npm-unknown',
        ],
        pathNot: `node_modules/(${coreLibraries.join('|')})/`,
      },
    },
    {
      name: 'testing-is-for-tests',
      comment: 'The testing package holds fakes for tests only.',
      severity: 'error',
      from: { path: '^packages/(?!testing/)[^/]+/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/testing/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '(^|/)dist/'] },
    exclude: { path: '\.test\.ts$' },
    tsConfig: { fileName: 'tsconfig.check.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default', 'types'],
    },
  },
};
