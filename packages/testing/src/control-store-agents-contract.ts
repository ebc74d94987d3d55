import { describe, expect, it } from 'vitest';
import type { AgentRecord, ControlStore } from '@slipway/core';

const T0 = 1_750_000_000_000;

const builder: AgentRecord = {
  id: 'agt_builder',
  name: 'builder-1',
  labels: ['linux', 'docker'],
  capacity: 4,
  registeredAt: T0,
  lastSeenAt: T0,
};

/**
 * The part of the {@link ControlStore} contract about agents.
 * `store` returns the store of the running test.
 */
export function describeControlStoreAgentsContract(store: () => ControlStore): void {
  describe('agents', () => {
    it('lists registered agents with what they said, most recently seen first', async () => {
      await store().registerAgent(builder);
      await store().registerAgent({ ...builder, id: 'agt_small', name: 'small', capacity: 1 });
      await store().noteAgentsSeen([{ agentId: 'agt_small', at: T0 + 5 }]);
      expect(await store().listAgents()).toEqual([
        { ...builder, id: 'agt_small', name: 'small', capacity: 1, lastSeenAt: T0 + 5 },
        builder,
      ]);
    });

    it('only moves a last-seen time forward, and keeps the latest of one write', async () => {
      await store().registerAgent(builder);
      await store().noteAgentsSeen([
        { agentId: builder.id, at: T0 + 30 },
        { agentId: builder.id, at: T0 + 20 },
      ]);
      await store().noteAgentsSeen([{ agentId: builder.id, at: T0 + 10 }]);
      expect((await store().listAgents())[0]?.lastSeenAt).toBe(T0 + 30);
    });

    it('stores an agent first heard of by a sighting under its id', async () => {
      await store().noteAgentsSeen([{ agentId: 'agt_older', at: T0 }]);
      expect(await store().listAgents()).toEqual([
        {
          id: 'agt_older',
          name: 'agt_older',
          labels: [],
          capacity: 0,
          registeredAt: T0,
          lastSeenAt: T0,
        },
      ]);
    });

    it('forgets agents not seen since a given time', async () => {
      await store().registerAgent(builder);
      await store().registerAgent({ ...builder, id: 'agt_gone', lastSeenAt: T0 - 100 });
      expect(await store().deleteAgentsSeenBefore(T0)).toBe(1);
      expect((await store().listAgents()).map((a) => a.id)).toEqual([builder.id]);
    });
  });
}
