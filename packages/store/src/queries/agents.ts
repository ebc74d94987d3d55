import type { AgentRecord, AgentSighting } from '@slipway/core';
import type { AgentsTable } from '../database.js';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stores a newly registered agent. */
export async function registerAgent(ctx: StoreContext, agent: AgentRecord): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('agents')
      .values({
        id: agent.id,
        name: agent.name,
        labels: JSON.stringify(agent.labels),
        capacity: agent.capacity,
        registered_at: agent.registeredAt,
        last_seen_at: agent.lastSeenAt,
      })
      .execute(),
  );
}

/**
 * Moves each sighted agent's last-seen time forward, in one statement; an agent not stored
 * yet is stored under its id.
 */
export async function noteAgentsSeen(
  ctx: StoreContext,
  sightings: readonly AgentSighting[],
): Promise<void> {
  const latest = new Map<string, number>();
  for (const { agentId, at } of sightings) {
    latest.set(agentId, Math.max(at, latest.get(agentId) ?? at));
  }
  if (latest.size === 0) return;
  const rows = [...latest].map(([id, at]) => ({
    id,
    name: id,
    labels: '[]',
    capacity: 0,
    registered_at: at,
    last_seen_at: at,
  }));
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('agents')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({ last_seen_at: eb.ref('excluded.last_seen_at') }))
          .where((eb) => eb('agents.last_seen_at', '<', eb.ref('excluded.last_seen_at'))),
      )
      .execute(),
  );
}

/** Every stored agent, most recently seen first. */
export async function listAgents(ctx: StoreContext): Promise<AgentRecord[]> {
  const rows = await ctx.db
    .selectFrom('agents')
    .selectAll()
    .orderBy('last_seen_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toAgentRecord);
}

/** Forgets agents last seen before `before`; returns how many. */
export async function deleteAgentsSeenBefore(ctx: StoreContext, before: number): Promise<number> {
  const result = await retryTransient(ctx, () =>
    ctx.db.deleteFrom('agents').where('last_seen_at', '<', before).executeTakeFirst(),
  );
  return Number(result.numDeletedRows);
}

function toAgentRecord(row: AgentsTable): AgentRecord {
  return {
    id: row.id,
    name: row.name,
    labels: JSON.parse(row.labels) as string[],
    capacity: row.capacity,
    registeredAt: row.registered_at,
    lastSeenAt: row.last_seen_at,
  };
}
