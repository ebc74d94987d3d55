import { describe, expect, it } from 'vitest';
import { ChatProvider, type ControlStore } from '@slipway/core';
import { CONTRACT_T0, contractProject } from './control-store-contract-fixtures.js';

const T0 = CONTRACT_T0;
const SLACK = ChatProvider.Slack;

/** The part of the {@link ControlStore} contract about chat settings, users and replays. */
export function describeControlStoreChatContract(store: () => ControlStore): void {
  describe('chat settings, users and signed requests', () => {
    it('stores the signing secret, replacing the earlier one', async () => {
      expect(await store().findChatSettings(SLACK)).toBeNull();
      await store().putChatSettings({ provider: SLACK, sealedSigningSecret: 's1', updatedAt: T0 });
      await store().putChatSettings({
        provider: SLACK,
        sealedSigningSecret: 's2',
        updatedAt: T0 + 1,
      });
      expect(await store().findChatSettings(SLACK)).toEqual({
        provider: SLACK,
        sealedSigningSecret: 's2',
        updatedAt: T0 + 1,
      });
    });

    it('maps chat users, remaps and removes them', async () => {
      await store().putChatUser({
        provider: SLACK,
        externalId: 'U2',
        userName: 'bob',
        updatedAt: T0,
      });
      await store().putChatUser({
        provider: SLACK,
        externalId: 'U1',
        userName: 'al',
        updatedAt: T0,
      });
      await store().putChatUser({
        provider: SLACK,
        externalId: 'U1',
        userName: 'alice',
        updatedAt: T0 + 1,
      });
      expect((await store().findChatUser(SLACK, 'U1'))?.userName).toBe('alice');
      expect((await store().listChatUsers(SLACK)).map((u) => [u.externalId, u.userName])).toEqual([
        ['U1', 'alice'],
        ['U2', 'bob'],
      ]);
      expect(await store().deleteChatUser(SLACK, 'U2')).toBe(true);
      expect(await store().deleteChatUser(SLACK, 'U2')).toBe(false);
      expect(await store().findChatUser(SLACK, 'U2')).toBeNull();
    });

    it("stores a project's channel, replaces and removes it", async () => {
      const project = await contractProject(store());
      expect(await store().findProjectChat(project.id, SLACK)).toBeNull();
      const chat = {
        projectId: project.id,
        provider: SLACK,
        sealedWebhookUrl: 'sealed',
        channel: '#deploys',
        updatedAt: T0,
      };
      await store().putProjectChat(chat);
      await store().putProjectChat({ ...chat, channel: null, updatedAt: T0 + 1 });
      expect(await store().findProjectChat(project.id, SLACK)).toEqual({
        ...chat,
        channel: null,
        updatedAt: T0 + 1,
      });
      expect(await store().deleteProjectChat(project.id, SLACK)).toBe(true);
      expect(await store().deleteProjectChat(project.id, SLACK)).toBe(false);
    });

    it('takes a signed request once, and forgets old ones', async () => {
      expect(await store().recordChatRequest(SLACK, 'v0=a', T0, T0 - 600_000)).toBe(true);
      expect(await store().recordChatRequest(SLACK, 'v0=a', T0 + 1, T0 - 600_000)).toBe(false);
      // Once forgotten, the key is new again (the timestamp window refuses such a request).
      expect(await store().recordChatRequest(SLACK, 'v0=b', T0 + 700_000, T0 + 100_000)).toBe(true);
      expect(await store().recordChatRequest(SLACK, 'v0=a', T0 + 700_000, T0 + 100_000)).toBe(true);
    });
  });
}
