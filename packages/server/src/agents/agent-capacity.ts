import type { AgentCapacity } from '@slipway/api';
import type { ControlStore } from '@slipway/core';
import type { AgentRegistry } from './agent-registry.js';

/**
 * What the connected agents can run at once and how much of it is in use. An agent is
 * connected when some replica heard from it within the lease time (`slipway_agents_connected`
 * counts the same): an agent that long-polls for work or renews its leases is heard from
 * more often than that. Busy slots are the attempts agents hold, whichever agent holds them.
 */
export async function readAgentCapacity(
  store: ControlStore,
  agents: AgentRegistry,
  since: number,
): Promise<AgentCapacity> {
  const [connected, busy, queued] = await Promise.all([
    agents.heardSince(since),
    store.countHeldAttempts(),
    store.countQueuedAttempts(),
  ]);
  return {
    agents: connected.length,
    slots: connected.reduce((sum, agent) => sum + agent.capacity, 0),
    busy,
    queued,
  };
}
