/** A branch or tag head that is new or moved since the last poll. */
export interface HeadChange {
  readonly ref: string;
  /** The head before; null for a new branch or tag. */
  readonly before: string | null;
  readonly commit: string;
}

/**
 * Heads new or moved between two polls (pure), by ref name. Deleted heads start
 * nothing and are not listed. Only `refs/heads/…` and `refs/tags/…` count.
 */
export function pollChanges(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): HeadChange[] {
  const changes: HeadChange[] = [];
  for (const ref of Object.keys(after).sort()) {
    const commit = after[ref];
    if (commit === undefined) continue;
    if (!ref.startsWith('refs/heads/') && !ref.startsWith('refs/tags/')) continue;
    const was = before[ref];
    if (was === commit) continue;
    changes.push({ ref, before: was ?? null, commit });
  }
  return changes;
}

/** The delivery id of a head change: a replay of the same move stores nothing. */
export function changeDeliveryId(change: HeadChange): string {
  return `poll:${change.ref}:${change.before ?? 'new'}..${change.commit}`;
}

/** The change as a push in Slipway's own payload format (see `normalizeGeneric`). */
export function changePayload(change: HeadChange): Record<string, string> {
  const payload: Record<string, string> = { commit: change.commit, actor: 'poll' };
  if (change.ref.startsWith('refs/heads/')) payload.branch = change.ref.slice('refs/heads/'.length);
  else payload.tag = change.ref.slice('refs/tags/'.length);
  if (change.before !== null) payload.before = change.before;
  return payload;
}
