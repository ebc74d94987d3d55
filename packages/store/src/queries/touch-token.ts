import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Sets a token's last use to `at`, unless a later use is recorded already. */
export async function touchToken(ctx: StoreContext, tokenId: string, at: number): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .updateTable('tokens')
      .set({ last_used_at: at })
      .where('id', '=', tokenId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
      .execute(),
  );
}
