import { afterEach, describe, expect, it } from 'vitest';
import { PeriodicLoop } from './periodic-loop.js';

let stop: () => Promise<void> = () => Promise.resolve();
afterEach(async () => {
  await stop();
});

/** A loop whose passes each wait for `release` and record when they started and ended. */
function recordedLoop(againAfterMs?: number) {
  const passes: { start: number; end?: number }[] = [];
  let release: () => void = () => undefined;
  const loop = new PeriodicLoop({
    intervalMs: 60_000,
    ...(againAfterMs === undefined ? {} : { againAfterMs }),
    onError: (error) => {
      throw error;
    },
    pass: async () => {
      const pass: { start: number; end?: number } = { start: performance.now() };
      passes.push(pass);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      pass.end = performance.now();
    },
  });
  // After each test: stop the loop, releasing a pass that still waits.
  stop = async () => {
    const stopped = loop.stop();
    release();
    await stopped;
  };
  return {
    loop,
    passes,
    release: () => {
      release();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 5000) throw new Error('waited 5 s in vain');
    await sleep(5);
  }
}

describe('PeriodicLoop', () => {
  it('runs one more pass right after a pass it was woken during', async () => {
    const { loop, passes, release } = recordedLoop();
    loop.start({ now: true });
    loop.wake();
    loop.wake();
    release();
    await until(() => passes.length === 2);
    release();
    await sleep(20);
    expect(passes).toHaveLength(2);
  });

  it('waits againAfterMs after such a pass, and wakes meanwhile add no pass', async () => {
    const { loop, passes, release } = recordedLoop(100);
    loop.start({ now: true });
    loop.wake();
    release();
    await sleep(20);
    loop.wake();
    loop.wake();
    expect(passes).toHaveLength(1);
    await until(() => passes.length === 2);
    const [first, second] = passes;
    expect((second?.start ?? 0) - (first?.end ?? 0)).toBeGreaterThanOrEqual(99);
    release();
    await until(() => passes[1]?.end !== undefined);
    loop.wake();
    await until(() => passes.length === 3);
  });
});
