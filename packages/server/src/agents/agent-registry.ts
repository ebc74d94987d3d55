import { randomUUID } from 'node:crypto';

/** An agent this server has heard from. */
export interface KnownAgent {
  readonly id: string;
  readonly name: string;
  readonly labels: readonly string[];
  readonly capacity: number;
  readonly registeredAt: number;
  lastSeenAt: number;
}

/**
 * The agents this process has heard from, in memory. Agent ids are not checked against
 * it: after a restart, or behind another replica, an agent goes on with the id it has.
 */
export class AgentRegistry {
  private readonly agents = new Map<string, KnownAgent>();

  register(name: string, labels: readonly string[], capacity: number, now: number): KnownAgent {
    const agent: KnownAgent = {
      id: `agt_${randomUUID()}`,
      name,
      labels: [...labels],
      capacity,
      registeredAt: now,
      lastSeenAt: now,
    };
    this.agents.set(agent.id, agent);
    return agent;
  }

  /**
   * Notes that an agent was heard from; one this process did not register (it registered
   * before a restart, or with another replica) is noted under its id.
   */
  seen(agentId: string, now: number): void {
    const agent = this.agents.get(agentId);
    if (agent) {
      agent.lastSeenAt = now;
      return;
    }
    this.agents.set(agentId, {
      id: agentId,
      name: agentId,
      labels: [],
      capacity: 0,
      registeredAt: now,
      lastSeenAt: now,
    });
  }

  list(): readonly KnownAgent[] {
    return [...this.agents.values()];
  }
}
