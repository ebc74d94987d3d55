import { setTimeout as delay } from 'node:timers/promises';
import type { StoreContext } from './store-context.js';

const MAX_TRIES = 5;

/**
 * Runs `work` again (after a short, random pause) when the database reports a conflict,
 * such as a deadlock between two writers, after which the work may simply run again.
 * `work` is one statement or one whole transaction, so it must not have effects outside
 * the database.
 */
export async function retryTransient<T>(ctx: StoreContext, work: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await work();
    } catch (error) {
      if (tries >= MAX_TRIES || !ctx.dialect.isTransient(error)) throw error;
      await delay(Math.random() * 10 * tries);
    }
  }
}
