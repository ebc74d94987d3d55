import type { ChatProvider } from '@slipway/core';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Records a signed chat request by its key, forgetting those seen before `forgetBefore`,
 * in one transaction; false when the key was recorded already (a replay). The primary
 * key makes the insert the decision, so two replicas given one request take it once.
 */
export function recordChatRequest(
  ctx: StoreContext,
  provider: ChatProvider,
  key: string,
  at: number,
  forgetBefore: number,
): Promise<boolean> {
  return writeTransaction(ctx, async (trx) => {
    await trx
      .deleteFrom('chat_requests')
      .where('provider', '=', provider)
      .where('seen_at', '<', forgetBefore)
      .execute();
    const inserted = await trx
      .insertInto('chat_requests')
      .values({ provider, request_key: key, seen_at: at })
      .onConflict((oc) => oc.columns(['provider', 'request_key']).doNothing())
      .returning('request_key')
      .executeTakeFirst();
    return inserted !== undefined;
  });
}
