import { ChatProvider, type ControlStore } from '@slipway/core';
import type { SecretBox } from '../secrets/secret-box.js';
import { checkSlackHooksUrl } from './slack-hooks-url.js';

/** What server-wide values are sealed for (the secret box binds a value to an owner). */
const SERVER = 'server';
const SIGNING_SECRET = 'slack-signing-secret';
const CHANNEL_WEBHOOK = 'slack-webhook-url';

/** A project's Slack channel as the server uses it. */
export interface OpenedProjectSlack {
  readonly webhookUrl: string;
  readonly channel: string | null;
}

/**
 * The Slack app's signing secret (server-wide) and each project's channel webhook URL,
 * sealed with the server's secret box so the database never holds them in the clear.
 */
export class SlackSecrets {
  constructor(
    private readonly store: ControlStore,
    private readonly box: SecretBox,
    private readonly hooksOrigin: string,
    private readonly now: () => number,
  ) {}

  /** Stores the signing secret, replacing the old one; returns the time. */
  async putSigningSecret(secret: string): Promise<number> {
    const updatedAt = this.now();
    await this.store.putChatSettings({
      provider: ChatProvider.Slack,
      sealedSigningSecret: this.box.seal(secret, SERVER, SIGNING_SECRET),
      updatedAt,
    });
    return updatedAt;
  }

  /** When the signing secret was set; null when it was not. */
  async signingSecretSetAt(): Promise<number | null> {
    return (await this.store.findChatSettings(ChatProvider.Slack))?.updatedAt ?? null;
  }

  /**
   * The signing secret; null when none is set. Throws a `UserError` when it was sealed
   * with another server key.
   */
  async signingSecret(): Promise<string | null> {
    const stored = await this.store.findChatSettings(ChatProvider.Slack);
    if (stored === null) return null;
    return this.box.open(stored.sealedSigningSecret, SERVER, SIGNING_SECRET);
  }

  /** Stores a project's channel; the URL must be under the Slack hooks origin. */
  async putProjectChannel(
    projectId: string,
    webhookUrl: string,
    channel: string | null,
  ): Promise<number> {
    const url = checkSlackHooksUrl(webhookUrl, this.hooksOrigin);
    const updatedAt = this.now();
    await this.store.putProjectChat({
      projectId,
      provider: ChatProvider.Slack,
      sealedWebhookUrl: this.box.seal(url, projectId, CHANNEL_WEBHOOK),
      channel,
      updatedAt,
    });
    return updatedAt;
  }

  /** A project's channel; null when it has none. Throws a `UserError` for another key. */
  async projectChannel(projectId: string): Promise<OpenedProjectSlack | null> {
    const stored = await this.store.findProjectChat(projectId, ChatProvider.Slack);
    if (stored === null) return null;
    return {
      webhookUrl: this.box.open(stored.sealedWebhookUrl, projectId, CHANNEL_WEBHOOK),
      channel: stored.channel,
    };
  }
}
