import { describe, expect, it } from 'vitest';
import {
  TriggerEventStatus,
  TriggerSource,
  type ControlStore,
  type NewTriggerEvent,
  type Project,
} from '@slipway/core';

const T0 = 1_750_000_000_000;

/**
 * The part of the {@link ControlStore} contract about trigger events and webhook
 * settings. `store` returns the store of the running test; `openTwo`, when given, opens
 * two stores over the same fresh data, as two replicas.
 */
export function describeControlStoreTriggerEventsContract(
  store: () => ControlStore,
  openTwo?: () => Promise<readonly [ControlStore, ControlStore]>,
): void {
  describe('trigger events', () => {
    it('stores an event pending and answers a replay of its delivery id as a duplicate', async () => {
      const project = await newProject(store(), 'hooks');
      const first = await record(store(), event(project.id, 'd-1', T0));
      expect(first.duplicate).toBe(false);
      expect(first.event).toMatchObject({
        projectId: project.id,
        source: 'github',
        deliveryId: 'd-1',
        kind: 'push',
        receivedAt: T0,
        status: TriggerEventStatus.Pending,
        outcome: null,
        runIds: [],
        processedAt: null,
      });
      const replay = await record(store(), {
        ...event(project.id, 'd-1', T0 + 5),
        payload: '{"other":true}',
      });
      expect(replay).toEqual({ event: first.event, duplicate: true });
      const other = await record(store(), {
        ...event(project.id, 'd-1', T0),
        source: TriggerSource.GitLab,
      });
      expect(other.duplicate).toBe(false);
      expect(await store().listTriggerEvents({ projectId: project.id, limit: 10 })).toHaveLength(2);
    });

    it('stores a batch in order, answering a delivery id repeated within it as a duplicate', async () => {
      const project = await newProject(store(), 'batch');
      const answers = await store().recordTriggerEvents([
        event(project.id, 'x', T0),
        event(project.id, 'y', T0),
        event(project.id, 'x', T0 + 1),
      ]);
      expect(answers.map((a) => [a.event.deliveryId, a.duplicate])).toEqual([
        ['x', false],
        ['y', false],
        ['x', true],
      ]);
      expect(answers[2]?.event.id).toBe(answers[0]?.event.id);
      expect(await store().recordTriggerEvents([])).toEqual([]);
    });

    it('stores an event it is told starts nothing settled as ignored, never to be claimed', async () => {
      const project = await newProject(store(), 'ignored');
      const [ignored, pending] = await store().recordTriggerEvents([
        { ...event(project.id, 'gone', T0), ignored: 'refs/heads/old was deleted' },
        event(project.id, 'kept', T0),
      ]);
      expect(ignored?.event).toMatchObject({
        status: TriggerEventStatus.Ignored,
        outcome: 'refs/heads/old was deleted',
        processedAt: T0,
      });
      expect(pending?.event.status).toBe(TriggerEventStatus.Pending);
      const claimed = await store().claimTriggerEvents('one', T0 + 1, T0 + 1000, 10);
      expect(claimed.map((e) => e.deliveryId)).toEqual(['kept']);
    });

    it('claims pending events once while the claim lasts, then again after it lapses', async () => {
      const project = await newProject(store(), 'claims');
      const a = (await record(store(), event(project.id, 'a', T0))).event;
      const b = (await record(store(), event(project.id, 'b', T0 + 1))).event;
      const first = await store().claimTriggerEvents('one', T0 + 10, T0 + 1000, 1);
      expect(first.map((e) => [e.id, e.payload])).toEqual([[a.id, '{"ref":"refs/heads/main"}']]);
      const second = await store().claimTriggerEvents('two', T0 + 20, T0 + 1000, 10);
      expect(second.map((e) => e.id)).toEqual([b.id]);
      expect(await store().claimTriggerEvents('two', T0 + 30, T0 + 1000, 10)).toEqual([]);
      const lapsed = await store().claimTriggerEvents('two', T0 + 1001, T0 + 2000, 10);
      expect(lapsed.map((e) => e.id)).toEqual([a.id, b.id]);
    });

    it('settles an event once, and settled events are never claimed', async () => {
      const project = await newProject(store(), 'settle');
      const a = (await record(store(), event(project.id, 'a', T0))).event;
      await store().claimTriggerEvents('one', T0, T0 + 1000, 10);
      const settlement = {
        id: a.id,
        status: TriggerEventStatus.Processed,
        outcome: 'created run 1 of ci',
        runIds: ['run-1'],
        processedAt: T0 + 50,
      } as const;
      expect(await store().settleTriggerEvents([settlement])).toEqual([a.id]);
      expect(
        await store().settleTriggerEvents([
          { ...settlement, status: TriggerEventStatus.Failed, outcome: 'late' },
        ]),
      ).toEqual([]);
      expect(await store().claimTriggerEvents('two', T0 + 5000, T0 + 6000, 10)).toEqual([]);
      const [stored] = await store().listTriggerEvents({ projectId: project.id, limit: 10 });
      expect(stored).toMatchObject({
        status: 'processed',
        outcome: 'created run 1 of ci',
        runIds: ['run-1'],
        processedAt: T0 + 50,
      });
    });

    it('settles a batch of events, each with its own outcome, and only those still pending', async () => {
      const project = await newProject(store(), 'settle-batch');
      const [a, b, c, d] = (
        await store().recordTriggerEvents(
          ['a', 'b', 'c', 'd'].map((id) => event(project.id, id, T0)),
        )
      ).map((answer) => answer.event.id);
      const ignored = {
        status: TriggerEventStatus.Ignored,
        outcome: 'no pipeline matches',
        runIds: [],
        processedAt: T0 + 10,
      } as const;
      expect(await store().settleTriggerEvents([{ id: d ?? '', ...ignored }])).toEqual([d]);
      const settled = await store().settleTriggerEvents([
        { id: a ?? '', ...ignored },
        {
          id: b ?? '',
          status: TriggerEventStatus.Processed,
          outcome: 'created run 1 of ci',
          runIds: ['run-1'],
          processedAt: T0 + 10,
        },
        { id: c ?? '', ...ignored },
        { id: d ?? '', ...ignored, outcome: 'late' },
      ]);
      expect(settled).toEqual([a, b, c]);
      const stored = await store().listTriggerEvents({ projectId: project.id, limit: 10 });
      expect(
        Object.fromEntries(stored.map((e) => [e.deliveryId, [e.status, e.outcome, e.runIds]])),
      ).toEqual({
        a: ['ignored', 'no pipeline matches', []],
        b: ['processed', 'created run 1 of ci', ['run-1']],
        c: ['ignored', 'no pipeline matches', []],
        d: ['ignored', 'no pipeline matches', []],
      });
    });

    it('lists a project’s events newest first, by page and status', async () => {
      const project = await newProject(store(), 'pages');
      const other = await newProject(store(), 'elsewhere');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await record(store(), event(project.id, `d${i}`, T0 + i))).event.id);
      }
      await record(store(), event(other.id, 'x', T0 + 9));
      await store().settleTriggerEvents([
        {
          id: ids[1] ?? '',
          status: TriggerEventStatus.Ignored,
          outcome: 'no pipeline matches',
          runIds: [],
          processedAt: T0 + 10,
        },
      ]);
      const page1 = await store().listTriggerEvents({ projectId: project.id, limit: 2 });
      expect(page1.map((e) => e.deliveryId)).toEqual(['d4', 'd3']);
      const page2 = await store().listTriggerEvents({
        projectId: project.id,
        limit: 2,
        before: page1[1]?.id ?? '',
      });
      expect(page2.map((e) => e.deliveryId)).toEqual(['d2', 'd1']);
      const ignored = await store().listTriggerEvents({
        projectId: project.id,
        limit: 10,
        status: TriggerEventStatus.Ignored,
      });
      expect(ignored.map((e) => e.outcome)).toEqual(['no pipeline matches']);
    });

    it('keeps webhook settings per project, replacing them', async () => {
      const project = await newProject(store(), 'settings');
      expect(await store().findProjectWebhook(project.id)).toBeNull();
      await store().putProjectWebhook({
        projectId: project.id,
        forge: 'github',
        sealedSecret: 'v1:one',
        updatedAt: T0,
      });
      await store().putProjectWebhook({
        projectId: project.id,
        forge: 'gitea',
        sealedSecret: 'v1:two',
        updatedAt: T0 + 1,
      });
      expect(await store().findProjectWebhook(project.id)).toEqual({
        projectId: project.id,
        forge: 'gitea',
        sealedSecret: 'v1:two',
        updatedAt: T0 + 1,
      });
    });

    if (openTwo !== undefined) {
      it('two replicas claiming at once never take the same event', async () => {
        const [one, two] = await openTwo();
        try {
          const project = await newProject(one, 'replicas');
          for (let i = 0; i < 20; i++) await record(one, event(project.id, `r${i}`, T0 + i));
          const [a, b] = await Promise.all([
            one.claimTriggerEvents('one', T0 + 100, T0 + 1000, 15),
            two.claimTriggerEvents('two', T0 + 100, T0 + 1000, 15),
          ]);
          const ids = [...a, ...b].map((e) => e.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids).toHaveLength(20);
        } finally {
          await one.close();
          await two.close();
        }
      });
    }
  });
}

async function record(store: ControlStore, event: NewTriggerEvent) {
  const [answer] = await store.recordTriggerEvents([event]);
  if (answer === undefined) throw new Error('recordTriggerEvents answered nothing');
  return answer;
}

function newProject(store: ControlStore, name: string): Promise<Project> {
  return store.createProject({ name, source: `/repos/${name}`, defaultBranch: 'main' });
}

function event(projectId: string, deliveryId: string, receivedAt: number): NewTriggerEvent {
  return {
    projectId,
    source: TriggerSource.GitHub,
    deliveryId,
    kind: 'push',
    payload: '{"ref":"refs/heads/main"}',
    receivedAt,
  };
}
