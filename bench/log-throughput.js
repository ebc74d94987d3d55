// Step output through `slipway up` (SQLite, embedded agent):
//
// - log-throughput/200mb: a step prints 200 MB (2,000,000 lines of 99 `x`, the last one
//   without a newline), on a server whose per-step log limit is raised to 256 MiB so the
//   store keeps all it gets. The agent does not slow a step down when the control plane
//   falls behind: output waits in its memory, then in its spool file, and only what
//   passes both is dropped (with a marker). The figure is the bytes stored divided by
//   the time from the step's start (it writes bash's `$EPOCHREALTIME` first) to the
//   task's `finishedAt` (an agent delivers all of an attempt's output before its
//   result); the bytes dropped, if any, are reported next to it, read back through the
//   API. The floor is the same commands writing to /dev/null.
// - log-throughput/follow: a step prints a line with `$EPOCHREALTIME` every 50 ms for
//   10 s, and `slipway logs RUN TASK -f` follows it; a line's latency is the time it came
//   out of the follower minus the time in it. Next to it, `SlipwayClient.followTaskLogs`
//   (server-sent events) follows the same task in this process.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DROPPED_OUTPUT_MARKER } from '@slipway/agent';
import { makeRepository, sleep, startSlipway, waitForRun } from './slipway-up.js';
import { ms, percentile, wallClock } from './stats.js';

const BYTES = 200_000_000;
/** What the step prints: `fold` ends the last line without a newline. */
const PRINTED_BYTES = BYTES - 1;
const PRINT = `head -c ${(BYTES / 100) * 99} /dev/zero | tr '\\0' 'x' | fold -w 99`;
const TARGET_MB_PER_S = 50;
const LINES = 200;
const TARGET_P99_MS = 250;
const RAISED_LIMIT = 256 * 1024 * 1024;
/** What the agent stores where it dropped output. */
const DROPPED = DROPPED_OUTPUT_MARKER;

export async function run({ root, log }) {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-logs-'));
  let slipway;
  try {
    await makeRepository(join(dir, 'big'), {
      '.slipway.yml': [
        'name: big',
        'tasks:',
        '  big:',
        '    steps:',
        '      - |',
        `        printf %s "$EPOCHREALTIME" > ${dir}/big-started`,
        `        ${PRINT}`,
        '',
      ].join('\n'),
    });
    await makeRepository(join(dir, 'ticks'), {
      '.slipway.yml': [
        'name: ticks',
        'tasks:',
        '  ticks:',
        '    steps:',
        '      - |',
        '        sleep 2',
        `        for i in $(seq 1 ${LINES}); do echo "tick $i $EPOCHREALTIME"; sleep 0.05; done`,
        '',
      ].join('\n'),
    });
    slipway = await startSlipway({
      root,
      log,
      dataDir: join(dir, 'data'),
      env: { SLIPWAY_MAX_STEP_LOG_BYTES: String(RAISED_LIMIT) },
    });
    const { client } = slipway;
    await client.createProject({ name: 'big', source: join(dir, 'big') });
    await client.createProject({ name: 'ticks', source: join(dir, 'ticks') });
    return [await bigOutput({ slipway, dir, log }), await follow({ root, slipway, log })];
  } catch (error) {
    if (slipway) log(slipway.stderr());
    throw error;
  } finally {
    await slipway?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function bigOutput({ slipway, dir, log }) {
  const { client } = slipway;
  const floorMs = await timedShell(`${PRINT} > /dev/null`);
  const created = await client.createRun('big');
  await waitForRun(client, 'big', created.id, { pollMs: 200 });
  const detail = await client.getRun(created.id);
  const task = detail.tasks.find((t) => t.taskId === 'big');
  if (task?.status !== 'succeeded') throw new Error(`the 200 MB task ${task?.status}`);
  const started = Number(await readFile(join(dir, 'big-started'), 'utf8')) * 1000;
  const seconds = (task.finishedAt - started) / 1000;

  const clock = wallClock();
  const readStart = clock();
  let stored = 0;
  let markers = 0;
  let tail = '';
  let after = -1;
  for (;;) {
    const page = await client.readTaskLogs(created.id, 'big', { after, limit: 5000 });
    if (page.chunks.length === 0) break;
    for (const chunk of page.chunks) {
      stored += Buffer.byteLength(chunk.text);
      const text = tail + chunk.text;
      markers += text.split(DROPPED).length - 1;
      tail = text.slice(-DROPPED.length + 1);
    }
    after = page.next;
  }
  const readSeconds = (clock() - readStart) / 1000;
  const printedStored = stored - markers * Buffer.byteLength(DROPPED);

  const mbPerS = stored / 1e6 / seconds;
  const floorMbPerS = BYTES / 1e6 / (floorMs / 1000);
  const figure = {
    name: 'log-throughput/200mb',
    bytes: BYTES,
    storedBytes: stored,
    droppedBytes: PRINTED_BYTES - printedStored,
    dropMarkers: markers,
    seconds: Math.round(seconds * 100) / 100,
    mbPerS: Math.round(mbPerS * 10) / 10,
    floorMbPerS: Math.round(floorMbPerS * 10) / 10,
    ratio: Math.round((floorMbPerS / mbPerS) * 10) / 10,
    readBackMbPerS: Math.round((stored / 1e6 / readSeconds) * 10) / 10,
    target: TARGET_MB_PER_S,
  };
  log(
    `  ${figure.name}: ${figure.mbPerS} MB/s agent to store (${stored} bytes stored in ${figure.seconds} s, ` +
      `${figure.droppedBytes} bytes dropped at ${markers} places); floor ${figure.floorMbPerS} MB/s, ` +
      `${figure.ratio}× the time; read back ${figure.readBackMbPerS} MB/s; target ≥ ${TARGET_MB_PER_S} MB/s`,
  );
  return figure;
}

async function follow({ root, slipway, log }) {
  const { client, url, token } = slipway;
  const created = await client.createRun('ticks');
  const cli = join(root, 'packages/cli/bin/slipway.js');
  const follower = spawn(
    process.execPath,
    [cli, 'logs', created.id, 'ticks', '-f', '--server', url, '--token', token],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const cliLatency = [];
  const followed = new Promise((resolve, reject) => {
    const clock = wallClock();
    createInterface({ input: follower.stdout }).on('line', (line) => {
      const printed = /^tick \d+ (\d+\.\d+)$/.exec(line)?.[1];
      if (printed) cliLatency.push(clock() - Number(printed) * 1000);
    });
    follower.once('error', reject);
    follower.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`logs -f: ${code}`)),
    );
  });
  const streamed = streamLogs(client, created.id, 'ticks');
  await waitForRun(client, 'ticks', created.id, { pollMs: 200 });
  const streamLatency = await streamed;
  await Promise.race([followed, sleep(10_000)]);
  if (follower.exitCode === null) follower.kill('SIGTERM');

  const figure = {
    name: 'log-throughput/follow',
    lines: LINES,
    received: cliLatency.length,
    cliMs: summary(cliLatency),
    streamMs: summary(streamLatency),
    streamReceived: streamLatency.length,
    target: TARGET_P99_MS,
  };
  log(
    `  ${figure.name}: slipway logs -f p50 ${figure.cliMs.p50} ms, p99 ${figure.cliMs.p99} ms ` +
      `(${figure.received}/${LINES} lines); followTaskLogs (server-sent events) p50 ` +
      `${figure.streamMs.p50} ms, p99 ${figure.streamMs.p99} ms (${figure.streamReceived}/${LINES}); ` +
      `target p99 ≤ ${TARGET_P99_MS} ms`,
  );
  return figure;
}

/** Follows a task's log with server-sent events; resolves with each tick line's latency. */
async function streamLogs(client, runId, taskId) {
  const latency = [];
  const clock = wallClock();
  let pending = '';
  for await (const chunk of client.followTaskLogs(runId, taskId)) {
    const now = clock();
    const lines = (pending + chunk.text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const printed = /^tick \d+ (\d+\.\d+)$/.exec(line)?.[1];
      if (printed) latency.push(now - Number(printed) * 1000);
    }
  }
  return latency;
}

function summary(values) {
  if (values.length === 0) return { p50: null, p95: null, p99: null, max: null };
  return {
    p50: ms(percentile(values, 50)),
    p95: ms(percentile(values, 95)),
    p99: ms(percentile(values, 99)),
    max: ms(Math.max(...values)),
  };
}

/** Runs a bash command line to its end; resolves with its wall-clock time in ms. */
function timedShell(command) {
  return new Promise((resolve, reject) => {
    const clock = wallClock();
    const start = clock();
    const child = spawn('bash', ['-eo', 'pipefail', '-c', command], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(clock() - start) : reject(new Error(`${command}: ${code}`)),
    );
  });
}
