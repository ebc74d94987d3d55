/** Chat services Slipway takes commands from. */
export const ChatProvider = { Slack: 'slack' } as const;
export type ChatProvider = (typeof ChatProvider)[keyof typeof ChatProvider];

/** A chat service's server-wide settings; the signing secret stays sealed. */
export interface ChatSettings {
  readonly provider: ChatProvider;
  /** The secret the service signs requests with, sealed with the server's secret box. */
  readonly sealedSigningSecret: string;
  readonly updatedAt: number;
}

/** A chat user (by the service's user id) mapped to a Slipway user name by an admin. */
export interface ChatUserLink {
  readonly provider: ChatProvider;
  /** The service's id of the user, such as Slack's `U024BE7LH`. */
  readonly externalId: string;
  /** The Slipway user whose project roles authorize the chat user's commands. */
  readonly userName: string;
  readonly updatedAt: number;
}

/** Where a project's chat messages (approval requests) go; the webhook URL stays sealed. */
export interface ProjectChat {
  readonly projectId: string;
  readonly provider: ChatProvider;
  /** The incoming webhook URL of the channel, sealed with the server's secret box. */
  readonly sealedWebhookUrl: string;
  /** The channel's name, for people to read; null when not given. */
  readonly channel: string | null;
  readonly updatedAt: number;
}

/**
 * Chat settings, user links, project channels and the memory of signed requests seen,
 * part of the control store. {@link ChatStore.recordChatRequest} is an insert that fails
 * on a key seen before, so of two replicas given the same request exactly one takes it.
 */
export interface ChatStore {
  /** Stores a chat service's settings, replacing what it had. */
  putChatSettings(settings: ChatSettings): Promise<void>;
  /** A chat service's settings; null when none were set. */
  findChatSettings(provider: ChatProvider): Promise<ChatSettings | null>;
  /** Maps a chat user to a Slipway user, replacing an earlier mapping of that chat user. */
  putChatUser(link: ChatUserLink): Promise<void>;
  /** Removes a chat user's mapping; false when there was none. */
  deleteChatUser(provider: ChatProvider, externalId: string): Promise<boolean>;
  /** The mapping of a chat user; null when it is not mapped. */
  findChatUser(provider: ChatProvider, externalId: string): Promise<ChatUserLink | null>;
  /** Every mapped user of a chat service, by external id. */
  listChatUsers(provider: ChatProvider): Promise<ChatUserLink[]>;
  /** Stores where a project's chat messages go, replacing what it had. */
  putProjectChat(chat: ProjectChat): Promise<void>;
  /** Where a project's chat messages go; null when nowhere. */
  findProjectChat(projectId: string, provider: ChatProvider): Promise<ProjectChat | null>;
  /** Stops sending a project's chat messages; false when none were set. */
  deleteProjectChat(projectId: string, provider: ChatProvider): Promise<boolean>;
  /**
   * Records a signed request by `key` (its signature) at `at`, forgetting requests
   * recorded before `forgetBefore` in the same transaction. False when the key was
   * recorded already: a replay.
   */
  recordChatRequest(
    provider: ChatProvider,
    key: string,
    at: number,
    forgetBefore: number,
  ): Promise<boolean>;
}
