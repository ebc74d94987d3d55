import type { ControlStore } from '@slipway/core';
import type { Caller } from './caller.js';

/** The ids of the projects a caller may view: those where they have a role; null for all. */
export async function visibleProjectIds(
  store: ControlStore,
  caller: Caller,
): Promise<ReadonlySet<string> | null> {
  if (caller.admin) return null;
  return new Set((await store.rolesOfUser(caller.user)).map((binding) => binding.projectId));
}
