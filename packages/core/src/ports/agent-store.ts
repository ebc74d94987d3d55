/** An agent as the control plane knows it: what it said when it registered, when last heard. */
export interface AgentRecord {
  readonly id: string;
  readonly name: string;
  readonly labels: readonly string[];
  readonly capacity: number;
  readonly registeredAt: number;
  readonly lastSeenAt: number;
}

/** When an agent was last heard from. */
export interface AgentSighting {
  readonly agentId: string;
  readonly at: number;
}

/**
 * The agents every replica has heard from, part of the control store, so that any replica
 * (and a restarted one) lists the same agents.
 */
export interface AgentStore {
  /** Stores a newly registered agent. */
  registerAgent(agent: AgentRecord): Promise<void>;
  /**
   * Records when agents were last heard from, in one write. A sighting only moves an
   * agent's time forward; an agent not stored (it registered before agents were stored)
   * is stored under its id, with no labels and no capacity.
   */
  noteAgentsSeen(sightings: readonly AgentSighting[]): Promise<void>;
  /** Every stored agent, most recently seen first. */
  listAgents(): Promise<AgentRecord[]>;
  /** Forgets agents last seen before `before`; returns how many. */
  deleteAgentsSeenBefore(before: number): Promise<number>;
}
