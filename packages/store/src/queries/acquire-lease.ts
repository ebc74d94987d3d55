import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/**
 * Compare-and-set on a named lease: `holder` gets it until `until` when nobody holds it,
 * when it holds it already, or when the current lease ended at or before `now`.
 */
export async function acquireLease(
  ctx: StoreContext,
  name: string,
  holder: string,
  until: number,
  now: number,
): Promise<boolean> {
  const row = await retryTransient(ctx, () =>
    ctx.db
      .insertInto('leases')
      .values({ name, holder, until })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            until: eb.ref('excluded.until'),
          }))
          .where((eb) =>
            eb.or([
              eb('leases.holder', '=', eb.ref('excluded.holder')),
              eb('leases.until', '<=', now),
            ]),
          ),
      )
      .returning('name')
      .executeTakeFirst(),
  );
  return row !== undefined;
}
