import { randomUUID } from 'node:crypto';
import type { AgentRecord, AgentStore } from '@slipway/core';
import { PeriodicLoop } from '../loops/periodic-loop.js';

/** How often sightings are written to the store. */
const WRITE_INTERVAL_MS = 5000;

/** Agents not heard from for this long are forgotten. */
export const AGENT_FORGET_MS = 7 * 86_400_000;

/** Options of an {@link AgentRegistry}. */
export interface AgentRegistryOptions {
  /** Time between writes of sightings (5 s by default). */
  readonly intervalMs?: number;
  /** Called with a write that failed; its sightings are kept for the next write. */
  readonly onError: (error: unknown) => void;
}

/*
 * The agents every replica has heard from, kept in the store so that each replica (and a
 * restarted one) lists the same agents. Registering writes at once. Agents are heard from
 * many times a second (claims, heartbeats, logs), so sightings are kept in memory and
 * written together every few seconds, and when the registry stops; this replica's list
 * shows its unwritten sightings too. Agent ids are not checked against the store: an agent
 * that registered before agents were stored goes on with its id, and its first sighting
 * stores it under that id.
 */
export class AgentRegistry {
  private sightings = new Map<string, number>();
  private readonly loop: PeriodicLoop;

  constructor(
    private readonly store: AgentStore,
    options: AgentRegistryOptions,
  ) {
    this.loop = new PeriodicLoop({
      intervalMs: options.intervalMs ?? WRITE_INTERVAL_MS,
      pass: () => this.flush(),
      onError: options.onError,
    });
  }

  /** Writes sightings every interval until {@link stop}. */
  start(): void {
    this.loop.start();
  }

  /** Stops the writes, then writes what is left. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.flush();
  }

  /** Stores a new agent and returns it with the id it is to use. */
  async register(
    name: string,
    labels: readonly string[],
    capacity: number,
    now: number,
  ): Promise<AgentRecord> {
    const agent: AgentRecord = {
      id: `agt_${randomUUID()}`,
      name,
      labels: [...labels],
      capacity,
      registeredAt: now,
      lastSeenAt: now,
    };
    await this.store.registerAgent(agent);
    return agent;
  }

  /** Notes that an agent was heard from; written with the next write. */
  seen(agentId: string, now: number): void {
    const known = this.sightings.get(agentId);
    if (known === undefined || known < now) this.sightings.set(agentId, now);
  }

  /** Every agent, most recently seen first, with this replica's unwritten sightings. */
  async list(): Promise<AgentRecord[]> {
    const stored = await this.store.listAgents();
    const listed = stored.map((agent) => {
      const seenAt = this.sightings.get(agent.id);
      return seenAt !== undefined && seenAt > agent.lastSeenAt
        ? { ...agent, lastSeenAt: seenAt }
        : agent;
    });
    return listed.sort((a, b) => b.lastSeenAt - a.lastSeenAt);
  }

  /** The agents heard from at or after `since`: those taken as connected. */
  async heardSince(since: number): Promise<AgentRecord[]> {
    return (await this.list()).filter((agent) => agent.lastSeenAt >= since);
  }

  /** Writes the sightings noted since the last write; on failure they wait for the next. */
  async flush(): Promise<void> {
    if (this.sightings.size === 0) return;
    const written = this.sightings;
    this.sightings = new Map();
    try {
      await this.store.noteAgentsSeen([...written].map(([agentId, at]) => ({ agentId, at })));
    } catch (error) {
      for (const [agentId, at] of written) this.seen(agentId, at);
      throw error;
    }
  }
}
