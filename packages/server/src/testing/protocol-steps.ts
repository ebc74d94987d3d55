import type { ClaimedAttempt, SlipwayClient } from '@slipway/api';

/** Claims exactly one attempt for the agent, waiting up to 5 s; throws otherwise. */
export async function claimOne(client: SlipwayClient, agentId: string): Promise<ClaimedAttempt> {
  const { attempts } = await client.claim({ agentId, labels: [], free: 1, waitMs: 5_000 });
  const [attempt] = attempts;
  if (!attempt || attempts.length !== 1) {
    throw new Error(`expected one attempt, got ${attempts.length}`);
  }
  return attempt;
}

/** Reads until `done` holds (or 10 s passed) and returns the last value read. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const give = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > give) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
