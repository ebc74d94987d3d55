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

/**
 * Reads until `done` holds (or `withinMs`, 10 s by default, passed), every `everyMs`
 * (20 ms by default), and returns the last value read.
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  {
    withinMs = 10_000,
    everyMs = 20,
  }: { readonly withinMs?: number; readonly everyMs?: number } = {},
): Promise<T> {
  const give = Date.now() + withinMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > give) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
