/**
 * Pipeline and template texts shared by tests. Kept as source text (not built objects) so
 * that tests exercise the YAML reader, including its positions.
 */

/** A pipeline that uses every key of the language at least once. */
export const FULL_PIPELINE = `# yaml-language-server: $schema=../schema/slipway-pipeline.schema.json
name: ci
on:
  push:
    branches: [main, 'release/*']
    paths-ignore: docs/**
  pull_request:
    types: [opened, synchronize]
    branches: main
  cron:
    - 0 3 * * *
    - schedule: 0 4 * * 1-5
      timezone: Europe/Berlin
  manual: true
  pipeline:
    name: nightly
    status: [failed, timed_out]
params:
  release:
    type: boolean
    default: false
  channel:
    type: enum
    values: [stable, beta]
    default: stable
    description: Where to publish.
  retries:
    type: number
  tag:
    type: string
env:
  NODE_ENV: production
  VERBOSE: 1
concurrency:
  group: deploy-\${{ params.channel }}
  limit: 1
  cancel-in-progress: true
timeout: 1h30m
tasks:
  build:
    image: node:20
    runs-on: linux
    env:
      NPM_CONFIG_CACHE: /tmp/npm
    timeout: 10m
    retries: 2
    results: [version]
    artifacts: dist/**
    steps:
      - npm ci
      - name: Build
        run: |
          npm run build
          node -p 'require("./package.json").version' > "$SLIPWAY_RESULTS/version"
        env:
          CI_BUILD: true
        timeout: 5m
        shell: bash
  test:
    needs: build
    matrix:
      axes:
        os: [linux, mac]
        node: [18, 20]
      include:
        - { os: linux, node: 22 }
      exclude:
        - { os: mac, node: 18 }
      max-parallel: 2
      fail-fast: false
    retries:
      count: 3
      backoff: 5s
      max-backoff: 1m
    reports: [reports/*.xml]
    steps:
      - run: npm test
        continue-on-error: true
        shell: [python3, -c]
  lint:
    uses: ./ci/lint.yml
    with:
      strict: true
  publish:
    needs: [build, test]
    when: \${{ success() && params.release }}
    uses:
      git: https://example.com/ci-templates.git
      ref: v1
      path: templates/publish.yml
    with:
      channel: \${{ params.channel }}
      attempts: 3
    env:
      VERSION: \${{ tasks.build.results.version }}
finally:
  notify:
    when: always()
    steps:
      - shell: sh
        run: echo done
`;

/** The specification {@link FULL_PIPELINE} is read into, defaults not filled. */
export const FULL_PIPELINE_SPEC = {
  name: 'ci',
  on: {
    push: { branches: ['main', 'release/*'], 'paths-ignore': ['docs/**'] },
    pull_request: { types: ['opened', 'synchronize'], branches: ['main'] },
    cron: ['0 3 * * *', { schedule: '0 4 * * 1-5', timezone: 'Europe/Berlin' }],
    manual: true,
    pipeline: [{ name: 'nightly', status: ['failed', 'timed_out'] }],
  },
  params: {
    release: { type: 'boolean', default: false },
    channel: {
      type: 'enum',
      values: ['stable', 'beta'],
      default: 'stable',
      description: 'Where to publish.',
    },
    retries: { type: 'number' },
    tag: { type: 'string' },
  },
  env: { NODE_ENV: 'production', VERBOSE: 1 },
  concurrency: { group: 'deploy-${{ params.channel }}', limit: 1, 'cancel-in-progress': true },
  timeout: '1h30m',
  tasks: {
    build: {
      image: 'node:20',
      'runs-on': ['linux'],
      env: { NPM_CONFIG_CACHE: '/tmp/npm' },
      timeout: '10m',
      retries: 2,
      results: ['version'],
      artifacts: ['dist/**'],
      steps: [
        'npm ci',
        {
          name: 'Build',
          run: 'npm run build\nnode -p \'require("./package.json").version\' > "$SLIPWAY_RESULTS/version"\n',
          env: { CI_BUILD: true },
          timeout: '5m',
          shell: 'bash',
        },
      ],
    },
    test: {
      needs: ['build'],
      matrix: {
        axes: { os: ['linux', 'mac'], node: [18, 20] },
        include: [{ os: 'linux', node: 22 }],
        exclude: [{ os: 'mac', node: 18 }],
        'max-parallel': 2,
        'fail-fast': false,
      },
      retries: { count: 3, backoff: '5s', 'max-backoff': '1m' },
      reports: ['reports/*.xml'],
      steps: [{ run: 'npm test', 'continue-on-error': true, shell: ['python3', '-c'] }],
    },
    lint: { uses: './ci/lint.yml', with: { strict: true } },
    publish: {
      needs: ['build', 'test'],
      when: '${{ success() && params.release }}',
      uses: {
        git: 'https://example.com/ci-templates.git',
        ref: 'v1',
        path: 'templates/publish.yml',
      },
      with: { channel: '${{ params.channel }}', attempts: 3 },
      env: { VERSION: '${{ tasks.build.results.version }}' },
    },
  },
  finally: {
    notify: { when: 'always()', steps: [{ shell: 'sh', run: 'echo done' }] },
  },
};

/** A template that uses every key a template may have. */
export const FULL_TEMPLATE = `description: Runs the tests of a Node.js package.
inputs:
  node-version:
    type: number
    default: 20
    description: Major version of Node.js.
  script:
    required: true
task:
  image: node:\${{ inputs.node-version }}
  env:
    NODE_OPTIONS: --max-old-space-size=4096
  timeout: 15m
  retries: 1
  reports: junit.xml
  steps:
    - npm ci
    - npm run "$INPUT_SCRIPT"
`;

/** The "billion laughs" document: nine levels of nine aliases each. */
export const BILLION_LAUGHS = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
tasks: {}
`;
